/**
 * The resolve stage (DESIGN.md, "Names, selectors and accounts"): the intents the loader read —
 * names and selectors included — become concrete targets, with the cheapest calls the API
 * allows. It runs every pass, between load and observe.
 *
 * - Each scan (ListUsers, ListRoutingProfiles, ListWorkspaces per instance; DescribeApplications
 *   per region) is made once per resolve() and shared by every document that needs it; a
 *   document that names everything by id costs no call at all.
 * - A name that does not exist, or matches several resources, is a terminal failure of that item
 *   (with a "did you mean"): the rest of the target proceeds, but its removals are held (the
 *   typo may have been meant for exactly the user prune would remove). A selector with such a
 *   name selects nothing rather than something broader.
 * - A lookup that fails for a transient reason leaves every target of that document unresolved
 *   for this pass: it is not planned, nothing is pruned on it, and the caller retries.
 * - A document that could not be resolved (transiently or not) contributes nothing, so it could
 *   hide an ownership conflict: every prune: true target it may resolve to — its known targets
 *   (each workspace of an ambiguous name), or, when the look-up of a workspace name or a selector
 *   is what failed, every prune target of that instance (Connect) or region (WorkSpaces) — is
 *   left out too, rather than pruned of what it asks for. A name that matches nothing reaches
 *   no target.
 * - Documents that resolve to the same target are merged; a prune: true among them is an
 *   ownership conflict, reported for that target, and nothing is applied to it.
 */
import type { ConnectIntent, DocumentRef, Intent, SourceLocation, Target, UnresolvedItem, WorkSpacesIntent } from '../model/desired.js';
import { connectKey, DEFAULT_ACCOUNT, workspaceKey } from '../model/desired.js';
import { closest } from '../config/suggest.js';
import type { ConnectLookup, Named, WorkSpaceSummary, WorkSpacesFilter, WorkSpacesLookup } from '../model/lookup.js';
import { AwsCallError, TerminalError } from '../providers/errors.js';

export interface ResolveOptions {
  connect: ConnectLookup;
  workspaces: WorkSpacesLookup;
  signal?: AbortSignal;
  /** The look-ups of one account (its own credentials and quotas). Default: `connect` / `workspaces` for every account. */
  lookupsFor?: (account: string) => { connect: ConnectLookup; workspaces: WorkSpacesLookup };
  /**
   * The default credentials' account id (GetCallerIdentity, once), for documents without
   * spec.account. Undefined: they are in DEFAULT_ACCOUNT (a desired state without Account documents).
   */
  defaultAccount?: () => Promise<string>;
}

/** ResolveOptions with the look-ups of one account, for the functions below. */
interface AccountOptions {
  account: string;
  connect: ConnectLookup;
  workspaces: WorkSpacesLookup;
  signal?: AbortSignal;
}

/** A document that could not be resolved this pass (transient: retry) or at all (terminal: report). */
export interface ResolveFailure {
  document: DocumentRef;
  /** Where in the document the failed lookup is written. */
  at: SourceLocation;
  error: AwsCallError;
  /** The targets it leaves out, where they are known (a workspace named by id or already resolved by name). */
  keys: string[];
  /**
   * When the document failed before its targets were known (a workspace name, a selector): the
   * key prefix of every target it may resolve to (`connect/<region>/<instance>/`, `workspaces/<region>/`).
   */
  scope?: string;
}

export interface OwnershipConflict {
  key: string;
  documents: DocumentRef[];
  message: string;
}

export interface ResolveResult {
  /** Resolved targets, sorted by key; without the blocked and conflicting ones. */
  targets: Target[];
  failures: ResolveFailure[];
  /**
   * Targets left out because a document contributing to them failed transiently, or because a
   * document that failed (for any reason) may resolve to them and they prune.
   */
  blocked: string[];
  conflicts: OwnershipConflict[];
}

/** WorkSpaces in these states are never selected (nor exported). */
export const GONE = new Set(['TERMINATING', 'TERMINATED']);

interface Contribution {
  key: string;
  make: () => Target;
  items: Map<string, { at: SourceLocation; label?: string }>;
  unresolved: UnresolvedItem[];
  name?: string;
}

/** Resolves every intent; the concrete ones cost nothing. */
export async function resolveIntents(intents: readonly Intent[], o: ResolveOptions): Promise<ResolveResult> {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) memo.set(key, (p = fn()));
    return p;
  };
  // Every username of each instance, so that its one look-up (a scan, or names one by one) serves every document.
  const usernames = new Map<string, Set<string>>();
  for (const i of intents) {
    if (i.type !== 'connect' || i.region === undefined || i.users.length === 0) continue;
    const key = instanceOf(i);
    let set = usernames.get(key);
    if (!set) usernames.set(key, (set = new Set()));
    for (const u of i.users) set.add(u.value);
  }
  const failures: ResolveFailure[] = [];
  const perDoc = await Promise.all(
    intents.map(async (intent) => {
      let account: string | undefined;
      try {
        account = await accountOf(intent, o);
        const lookups = o.lookupsFor?.(account) ?? o;
        const ao: AccountOptions = { account, connect: lookups.connect, workspaces: lookups.workspaces, ...(o.signal ? { signal: o.signal } : {}) };
        // Scans are shared within an account, never across: another account's instance of the same id is another instance.
        const onceIn: Once = (key, fn) => once(`${account}/${key}`, fn);
        return intent.type === 'connect' ? [await resolveConnect(intent, ao, onceIn, usernames)] : await resolveWorkSpaces(intent, ao, onceIn, failures);
      } catch (err) {
        if (!(err instanceof LookupFailed)) throw err;
        failures.push({ document: intent.document, at: err.at, error: err.error, ...(account === undefined ? { keys: err.keys ?? [] } : reach(intent, account, err.keys)) });
        return [];
      }
    }),
  );
  const byKey = new Map<string, { target: Target; docs: Intent[] }>();
  perDoc.forEach((contributions, i) => {
    const intent = intents[i]!;
    for (const c of contributions) {
      let e = byKey.get(c.key);
      if (!e) byKey.set(c.key, (e = { target: c.make(), docs: [] }));
      const t = e.target;
      if (!e.docs.includes(intent)) {
        e.docs.push(intent);
        t.documents.push(intent.document);
      }
      t.prune ||= intent.prune;
      if (intent.allowEmpty) t.allowEmpty = true;
      for (const [item, { at, label }] of c.items) {
        if (!t.desired.has(item)) t.desired.set(item, at);
        if (label !== undefined) (t.labels ??= new Map()).set(item, label);
      }
      if (c.unresolved.length > 0) (t.unresolved ??= []).push(...c.unresolved);
      if (c.name !== undefined && t.type === 'connect') t.name = c.name;
    }
  });
  // A transient failure blocks its targets even where another document resolved them. A failed
  // document contributed nothing: a prune target it may resolve to could be pruned of exactly
  // what it asks for (resolved, that would be an ownership conflict), so it is left out as well.
  const blocked = new Set(failures.filter((f) => f.error.kind !== 'terminal').flatMap((f) => f.keys));
  for (const f of failures) {
    for (const [key, { target }] of byKey) {
      const mayReach = f.keys.includes(key) || (f.scope !== undefined && key.startsWith(f.scope));
      if (!mayReach || !target.prune) continue;
      blocked.add(key);
      if (!f.keys.includes(key)) f.keys.push(key);
    }
  }
  const conflicts: OwnershipConflict[] = [];
  const targets: Target[] = [];
  for (const [key, { target, docs }] of byKey) {
    if (blocked.has(key)) continue;
    if (docs.length > 1 && docs.some((d) => d.prune)) {
      const names = docs.map((d) => `${d.document.kind} '${d.document.name}'`).join(', ');
      conflicts.push({ key, documents: docs.map((d) => d.document), message: `ownership conflict: prune: true claims ${key} exclusively, but ${docs.length} documents resolve to it (${names}); nothing is applied to it` });
      continue;
    }
    targets.push(target);
  }
  targets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { targets, failures, blocked: [...blocked].sort(), conflicts };
}

/** The account of a document's targets: its Account's, else the default credentials'. */
async function accountOf(intent: Intent, o: ResolveOptions): Promise<string> {
  if (intent.account) return intent.account.id;
  if (!o.defaultAccount) return DEFAULT_ACCOUNT;
  try {
    return await o.defaultAccount();
  } catch (err) {
    if (err instanceof AwsCallError) throw new LookupFailed(intent.document.location, err);
    throw err;
  }
}

/** A lookup of one document failed: where it is written and why. */
class LookupFailed extends Error {
  constructor(
    readonly at: SourceLocation,
    readonly error: AwsCallError,
    /** The document's targets, when they were known before the lookup failed. */
    readonly keys?: string[],
  ) {
    super(error.message);
  }
}

async function lookup<T>(at: SourceLocation, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof AwsCallError) throw new LookupFailed(at, err);
    throw err;
  }
}

/** The targets a failed document may resolve to: known keys, or a key prefix where they are not all known. */
function reach(intent: Intent, account: string, known: string[] | undefined): { keys: string[]; scope?: string } {
  if (known) return { keys: [...known] };
  if (intent.type === 'connect') {
    if (intent.workspace.by === 'id') return { keys: [connectKey(account, intent.region, intent.instanceId, intent.workspace.id)] };
    return { keys: [], scope: connectKey(account, intent.region, intent.instanceId, '') };
  }
  const keys = intent.workspaceIds.map((w) => workspaceKey(account, intent.region, w.value));
  return intent.selectors.length === 0 ? { keys } : { keys, scope: workspaceKey(account, intent.region, '') };
}

type Once = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** An instance of a Connect document, by its account as written (spec.account, or the default credentials), region and id. */
const instanceOf = (i: ConnectIntent): string => `${i.account?.id ?? ''}/${i.region}/${i.instanceId}`;

/**
 * Each scanned list by name, built once: a list is shared by every document of its instance (or
 * region), and 200 documents of 500 usernames each over a scan of 500 users would otherwise
 * compare 50 million names. Keyed on the list itself, so it goes when the pass's lists go.
 */
const byNameIndex = new WeakMap<readonly Named[], Map<string, Named[]>>();

function indexOf(list: readonly Named[]): Map<string, Named[]> {
  let index = byNameIndex.get(list);
  if (!index) {
    index = new Map();
    for (const n of list) {
      const same = index.get(n.name);
      if (same) same.push(n);
      else index.set(n.name, [n]);
    }
    byNameIndex.set(list, index);
  }
  return index;
}

/** The one resource with this exact name, or why not. */
function pick(list: readonly Named[], name: string, kind: string, where: string): { found: Named } | { code: UnresolvedItem['code']; message: string } {
  const matches = indexOf(list).get(name) ?? [];
  if (matches.length === 1) return { found: matches[0]! };
  if (matches.length > 1) return { code: 'NameAmbiguous', message: `${matches.length} ${kind}s of ${where} are named '${name}' (${matches.slice(0, 3).map((m) => m.id).join(', ')}); name it by id instead` };
  const near = closest(name, list.map((n) => n.name));
  return { code: 'NameNotFound', message: `no ${kind} of ${where} is named '${name}'${near !== undefined ? `; did you mean '${near}'?` : ''}` };
}

function missingRegion(intent: Intent): never {
  throw new TypeError(`${intent.document.kind} '${intent.document.name}' has no region; the command must refuse it before resolution`);
}

async function resolveConnect(intent: ConnectIntent, o: AccountOptions, once: Once, usernames: Map<string, Set<string>>): Promise<Contribution> {
  const region = intent.region ?? missingRegion(intent);
  const inst = intent.instanceId;
  const where = `instance ${inst}`;
  const scan = <T>(kind: string, fn: () => Promise<T>) => once(`connect/${region}/${inst}/${kind}`, fn);
  const users = () => scan('users', () => o.connect.usersNamed(region, inst, [...(usernames.get(instanceOf(intent)) ?? [])], o.signal));
  const profiles = () => scan('routing-profiles', () => o.connect.routingProfiles(region, inst, o.signal));

  let workspaceId: string;
  let name: string | undefined;
  if (intent.workspace.by === 'id') workspaceId = intent.workspace.id;
  else {
    const ws = intent.workspace;
    const list = await lookup(ws.at, scan('workspaces', () => o.connect.workspaces(region, inst, o.signal)));
    const r = pick(list, ws.name, 'workspace', where);
    if (!('found' in r)) {
      // A name that matches nothing reaches no target; an ambiguous one, each workspace of that name.
      const reached = list.filter((n) => n.name === ws.name).map((n) => connectKey(o.account, region, inst, n.id));
      throw new LookupFailed(ws.at, nameError('ListWorkspaces', region, r), reached);
    }
    workspaceId = r.found.id;
    name = ws.name;
  }
  const key = connectKey(o.account, region, inst, workspaceId);
  try {
    return await resolveConnectItems(intent, o, key, workspaceId, name, users, profiles, once);
  } catch (err) {
    throw err instanceof LookupFailed && !err.keys ? new LookupFailed(err.at, err.error, [key]) : err;
  }
}

async function resolveConnectItems(
  intent: ConnectIntent,
  o: AccountOptions,
  key: string,
  workspaceId: string,
  name: string | undefined,
  users: () => Promise<Named[]>,
  profiles: () => Promise<Named[]>,
  once: Once,
): Promise<Contribution> {
  const region = intent.region!;
  const inst = intent.instanceId;
  const where = `instance ${inst}`;
  const items = new Map<string, { at: SourceLocation; label?: string }>();
  const unresolved: UnresolvedItem[] = [];
  for (const a of intent.resourceArns) if (!items.has(a.value)) items.set(a.value, { at: a.at });

  const byName = async (names: { value: string; at: SourceLocation }[], list: () => Promise<Named[]>, kind: string) => {
    if (names.length === 0) return;
    const all = await lookup(names[0]!.at, list());
    for (const n of names) {
      const r = pick(all, n.value, kind, where);
      if ('found' in r && r.found.arn) {
        if (!items.has(r.found.arn)) items.set(r.found.arn, { at: n.at, label: `${kind} ${n.value}` });
      } else {
        const miss = 'found' in r ? { code: 'NameNotFound' as const, message: `AWS listed ${kind} '${n.value}' without an ARN` } : r;
        unresolved.push({ item: `${kind} ${n.value}`, at: n.at, ...miss });
      }
    }
  };
  await byName(intent.users, users, 'user');
  await byName(intent.routingProfiles, profiles, 'routing profile');

  const sel = intent.userSelector;
  if (sel) {
    const routingProfileIds: string[] = [];
    let complete = true;
    if (sel.routingProfiles.length > 0) {
      const all = await lookup(sel.routingProfiles[0]!.at, profiles());
      for (const n of sel.routingProfiles) {
        const r = pick(all, n.value, 'routing profile', where);
        if ('found' in r) routingProfileIds.push(r.found.id);
        else {
          complete = false;
          unresolved.push({ item: `routing profile ${n.value} (userSelector)`, at: n.at, ...r });
        }
      }
    }
    // A selector missing one of its names would select something other than what was written.
    if (complete) {
      const query = {
        tags: (sel.tags?.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
        routingProfileIds,
        hierarchyGroupIds: sel.hierarchyGroupIds.map((h) => h.value),
        includeChildGroups: sel.includeChildGroups,
      };
      const selected = await lookup(sel.at, once(`connect/${region}/${inst}/search/${JSON.stringify(query)}`, () => o.connect.searchUsers(region, inst, query, o.signal)));
      for (const u of selected) if (u.arn && !items.has(u.arn)) items.set(u.arn, { at: sel.at, label: `user ${u.name}` });
      // On a prune target, a selector that selects nobody is most likely a typo (a tag value, a
      // hierarchy group id AWS cannot tell us is wrong): prune would remove exactly the users it
      // was meant to keep. It holds the removals, as an unknown name does, unless allowEmpty says
      // an empty selection is intended.
      if (selected.length === 0 && intent.prune && !intent.allowEmpty) {
        unresolved.push({ item: 'userSelector', at: sel.at, code: 'SelectsNothing', message: `the userSelector selects no user of ${where} (check its tags and hierarchy group ids); set allowEmpty: true if an empty selection is intended` });
      }
    }
  }
  const account = o.account;
  const make = (): Target => ({ type: 'connect', key, account, region, instanceId: inst, workspaceId, desired: new Map(), prune: false, documents: [] });
  return { key, make, items, unresolved, ...(name !== undefined ? { name } : {}) };
}

async function resolveWorkSpaces(intent: WorkSpacesIntent, o: AccountOptions, once: Once, failures: ResolveFailure[]): Promise<Contribution[]> {
  const region = intent.region ?? missingRegion(intent);
  const items = new Map<string, { at: SourceLocation; label?: string }>();
  const unresolved: UnresolvedItem[] = [];
  for (const a of intent.applicationIds) if (!items.has(a.value)) items.set(a.value, { at: a.at });
  if (intent.applications.length > 0) {
    const catalogue = await lookup(intent.applications[0]!.at, once(`workspaces/${region}/applications`, () => o.workspaces.applications(region, o.signal)));
    for (const n of intent.applications) {
      const r = pick(catalogue, n.value, 'application', `the ${region} catalogue`);
      if ('found' in r) {
        if (!items.has(r.found.id)) items.set(r.found.id, { at: n.at, label: n.value });
      } else unresolved.push({ item: `application ${n.value}`, at: n.at, ...r });
    }
  }

  const chosen = new Map<string, { at: SourceLocation; name?: string }>();
  for (const w of intent.workspaceIds) if (!chosen.has(w.value)) chosen.set(w.value, { at: w.at });
  const describe = (filter: WorkSpacesFilter) => once(`workspaces/${region}/describe/${JSON.stringify(filter)}`, () => o.workspaces.workspaces(region, filter, o.signal));
  const add = (list: WorkSpaceSummary[], at: SourceLocation) => {
    for (const w of list) if (!GONE.has(w.state ?? '') && !chosen.has(w.workspaceId)) chosen.set(w.workspaceId, { at, ...(w.userName ? { name: w.userName } : {}) });
  };
  for (const s of intent.selectors) {
    if (s.by === 'bundle') add(await lookup(s.at, describe({ bundleId: s.bundleId })), s.at);
    else if (s.by === 'directory' && s.userNames && s.userNames.length > 0) {
      for (const u of s.userNames) {
        const found = (await lookup(u.at, describe({ directoryId: s.directoryId, userName: u.value }))).filter((w) => !GONE.has(w.state ?? ''));
        if (found.length === 0) {
          failures.push({
            document: intent.document,
            at: u.at,
            keys: [],
            error: new TerminalError({ service: 'workspaces', account: o.account, region, operation: 'DescribeWorkspaces', code: 'NameNotFound', awsMessage: `user '${u.value}' has no WorkSpace in directory ${s.directoryId}` }),
          });
        }
        add(found, u.at);
      }
    } else if (s.by === 'directory') add(await lookup(s.at, describe({ directoryId: s.directoryId })), s.at);
    else {
      const all = (await lookup(s.at, describe({ directoryId: s.directoryId }))).filter((w) => !GONE.has(w.state ?? ''));
      const want = s.tags.tags;
      for (const w of all) {
        const tags = await lookup(s.at, once(`workspaces/${region}/tags/${w.workspaceId}`, () => o.workspaces.tags(region, w.workspaceId, o.signal)));
        if (want.every((t) => tags.get(t.key) === t.value)) add([w], s.at);
      }
    }
  }
  return [...chosen].map(([workspaceId]) => {
    const key = workspaceKey(o.account, region, workspaceId);
    const account = o.account;
    return {
      key,
      make: (): Target => ({ type: 'workspaces', key, account, region, workspaceId, desired: new Map(), prune: false, documents: [] }),
      items,
      unresolved,
    };
  });
}

function nameError(operation: string, region: string, r: { code: UnresolvedItem['code']; message: string }): AwsCallError {
  return new TerminalError({ service: operation === 'ListWorkspaces' ? 'connect' : 'workspaces', region, operation, code: r.code, awsMessage: r.message });
}
