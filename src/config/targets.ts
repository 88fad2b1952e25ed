/**
 * Checks across documents and the merge into targets. A target is one Connect workspace
 * (region + instance + workspace) or one WorkSpace (region + id); several documents may name it
 * and the desired set is their union, unless one claims it exclusively with prune: true.
 */
import type { AnyDocument, ListedItem, ParsedDocument } from './model.js';
import { accountRefOf } from './accounts.js';
import { formatLocation, type ProblemList } from './problems.js';
import { connectKey, DEFAULT_ACCOUNT, workspaceKey, type AccountSpec, type DocumentRef, type SourceLocation, type Target } from './types.js';

function describeRef(ref: Pick<DocumentRef, 'name' | 'location'> & { kind: string }): string {
  return `${ref.kind} '${ref.name}' (${formatLocation(ref.location)})`;
}

/** metadata.name is unique per kind across all files; the error names both places. */
export function checkUniqueNames(docs: readonly AnyDocument[], problems: ProblemList): void {
  const first = new Map<string, AnyDocument['ref']>();
  for (const { ref } of docs) {
    const id = `${ref.kind}/${ref.name}`;
    const earlier = first.get(id);
    if (earlier) {
      problems.error(
        ref.location,
        `metadata.name: duplicate ${ref.kind} name '${ref.name}' (also defined at ${formatLocation(earlier.location)})`,
      );
    } else {
      first.set(id, ref);
    }
  }
}

interface Contribution {
  key: string;
  make: () => Target;
  items: ListedItem[];
}

/** The targets one document names, with the items it wants on each. */
function contributions(doc: ParsedDocument, accounts: ReadonlyMap<string, AccountSpec>): Contribution[] {
  // Documents of the default credentials: DEFAULT_ACCOUNT here; with Account documents in the
  // state, resolution binds them to the real account (resolveDesired).
  const account = accountRefOf(doc, accounts)?.id ?? DEFAULT_ACCOUNT;
  const fresh = () => ({ desired: new Map<string, SourceLocation>(), prune: false, documents: [] as DocumentRef[] });
  if (doc.kind === 'ConnectWorkspaceAssociations') {
    const spec = doc.spec;
    if (!spec?.target) return [];
    const { instanceId, workspaceId } = spec.target;
    const key = connectKey(account, spec.region, instanceId, workspaceId);
    const make = (): Target => ({ type: 'connect', key, account, region: spec.region, instanceId, workspaceId, ...fresh() });
    return [{ key, make, items: spec.resourceArns }];
  }
  const spec = doc.spec;
  if (!spec) return [];
  return spec.workspaceIds.map(({ value: workspaceId }) => {
    const key = workspaceKey(account, spec.region, workspaceId);
    const make = (): Target => ({ type: 'workspaces', key, account, region: spec.region, workspaceId, ...fresh() });
    return { key, make, items: spec.applicationIds };
  });
}

/**
 * One error per document that sets prune: true on a target another document also names, at its
 * `prune: true`, naming every document involved. Each such document gets its own error because
 * each is a place the author may want to fix.
 */
function reportOwnershipConflicts(
  targets: Map<string, { target: Target; docs: ParsedDocument[] }>,
  problems: ProblemList,
): void {
  const conflicts = new Map<ParsedDocument, { keys: string[]; involved: Set<ParsedDocument> }>();
  for (const [key, { docs }] of targets) {
    if (docs.length < 2) continue;
    for (const doc of docs) {
      if (!doc.spec?.prune) continue;
      const c = conflicts.get(doc) ?? { keys: [], involved: new Set<ParsedDocument>() };
      c.keys.push(key);
      for (const d of docs) c.involved.add(d);
      conflicts.set(doc, c);
    }
  }
  for (const [doc, { keys, involved }] of conflicts) {
    const shown = keys.slice(0, 3).join(', ') + (keys.length > 3 ? ` (and ${keys.length - 3} more)` : '');
    const names = [...involved].map((d) => describeRef(d.ref)).join(', ');
    problems.error(
      doc.spec?.pruneAt ?? doc.ref.location,
      `spec.prune: ownership conflict: prune: true claims exclusive ownership of ${keys.length > 1 ? 'targets' : 'target'} ${shown}, ` +
        `but other documents name ${keys.length > 1 ? 'them' : 'it'} too; documents involved: ${names}`,
    );
  }
}

/** Merges documents into targets sorted by key; the first listing of an item is its location. */
export function buildTargets(docs: readonly ParsedDocument[], accounts: ReadonlyMap<string, AccountSpec>, problems: ProblemList): Target[] {
  const targets = new Map<string, { target: Target; docs: ParsedDocument[] }>();
  for (const doc of docs) {
    for (const c of contributions(doc, accounts)) {
      let entry = targets.get(c.key);
      if (!entry) {
        entry = { target: c.make(), docs: [] };
        targets.set(c.key, entry);
      }
      if (!entry.docs.includes(doc)) {
        entry.docs.push(doc);
        entry.target.documents.push(doc.ref);
      }
      entry.target.prune ||= doc.spec?.prune ?? false;
      if (doc.spec?.allowEmpty) entry.target.allowEmpty = true;
      for (const item of c.items) {
        if (!entry.target.desired.has(item.value)) entry.target.desired.set(item.value, item.at);
      }
    }
  }
  reportOwnershipConflicts(targets, problems);
  return [...targets.values()].map((e) => e.target).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
