/**
 * `export workspaces`: what WorkSpaces have now, one WorkSpaceApplications document per
 * WorkSpace. Calls: DescribeWorkspaces (a directory, 25 per page; or the ids asked for, 25 per
 * call), one DescribeWorkspaceAssociations per WorkSpace (the provider's observation; the API has
 * no batch form), and one DescribeApplications scan for names, only when an application is there.
 * TERMINATING / TERMINATED WorkSpaces are skipped, as resolution never selects them.
 *
 * Which association states are "there" (exported) follows what plan does with each state
 * (src/reconciler/plan.ts), so that plan on the export finds nothing to change:
 *
 *   COMPLETED                          exported: installed.
 *   PENDING_INSTALL_DEPLOYMENT,        exported: being installed; plan waits for it, with or
 *     INSTALLING                         without the export (a removal under prune waits too).
 *   PENDING_INSTALL                    exported: associated and never deployed. Left out, a
 *                                        --prune export would disassociate it; exported, plan
 *                                        deploys it, finishing what someone started.
 *   ERROR                              exported: the association exists, whichever deployment
 *                                        failed. A ValidationError.* one is reported failed by
 *                                        plan, listed or not, and never acted on; left out of a
 *                                        --prune export, a DeploymentError.* one would be
 *                                        disassociated, exported it is retried (Force), as
 *                                        apply would for any listed pair in ERROR.
 *   PENDING_UNINSTALL*, UNINSTALLING   left out: someone asked for its removal. Exported, the
 *                                        tool would install it again once removed; left out,
 *                                        plan waits for it (--prune) or ignores it.
 *   REMOVED                            left out: not associated.
 *
 * So an export of a settled fleet (COMPLETED, in-flight installs, terminal errors, removals)
 * plans no change; PENDING_INSTALL, retryable ERROR and (with --prune) PENDING_UNINSTALL plan the
 * one deploy that the world is waiting for anyway.
 */
import { applicationName } from '../config/workspaces-spec.js';
import { workspaceKey, DEFAULT_ACCOUNT, type WorkSpaceTarget } from '../model/desired.js';
import type { WorkSpaceSummary } from '../model/lookup.js';
import type { AssociationState, ObservedApplication, ObservedWorkSpace } from '../model/observed.js';
import { GONE } from '../resolve/resolve.js';
import { isTerminalReason } from '../reconciler/plan.js';
import { uniqueNames, type Entry, type ExportDocument, type SpecValue } from './document.js';
import { NameBook, quoteIfOdd } from './names.js';
import { ExportError, inAccount, nothingToWrite, type ExportDeps, type ExportOptions, type ExportResult } from './types.js';

export interface WorkSpacesExportOptions extends ExportOptions {
  /** Exactly one of the two. */
  directoryId?: string;
  workspaceIds?: readonly string[];
}

/** States in which an application counts as associated (see the table above). */
export const EXPORTED_STATES: ReadonlySet<AssociationState> = new Set<AssociationState>([
  'COMPLETED',
  'PENDING_INSTALL',
  'PENDING_INSTALL_DEPLOYMENT',
  'INSTALLING',
  'ERROR',
]);

export async function exportWorkSpaces(o: WorkSpacesExportOptions, deps: ExportDeps): Promise<ExportResult> {
  const { region } = o;
  const signal = deps.signal;
  const filter = o.directoryId !== undefined ? { directoryId: o.directoryId } : { workspaceIds: [...new Set(o.workspaceIds ?? [])] };
  const found = await deps.lookups.workspaces.workspaces(region, filter, signal);
  const skipped: ExportResult['skipped'] = [];
  if (o.workspaceIds) {
    const known = new Set(found.map((w) => w.workspaceId));
    const unknown = o.workspaceIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ExportError(`no WorkSpace ${unknown.join(', ')} in ${region} (DescribeWorkspaces does not list ${unknown.length === 1 ? 'it' : 'them'})`);
  }
  const live: WorkSpaceSummary[] = [];
  for (const w of dedupe(found)) {
    if (GONE.has(w.state ?? '')) skipped.push({ item: `WorkSpace ${w.workspaceId}`, reason: `it is ${w.state}` });
    else live.push(w);
  }
  const scope = o.directoryId !== undefined ? `directory ${o.directoryId}` : 'the WorkSpaces asked for';
  if (live.length === 0) {
    const why = found.length === 0 ? ' (DescribeWorkspaces lists none: is the directory id right, and the region?)' : ' that is not terminated';
    throw new ExportError(`no WorkSpace in ${scope} in ${region}${why}: nothing to export`);
  }
  live.sort((a, b) => compare(a.workspaceId, b.workspaceId));

  const targets: WorkSpaceTarget[] = live.map((w) => ({
    type: 'workspaces',
    key: workspaceKey(o.account?.id ?? DEFAULT_ACCOUNT, region, w.workspaceId),
    account: o.account?.id ?? DEFAULT_ACCOUNT,
    region,
    workspaceId: w.workspaceId,
    desired: new Map(),
    prune: false,
    documents: [],
  }));
  // Everything on each WorkSpace, not only what a desired state lists: its own record each.
  const outcomes = await deps.providers.workspaces.observe(targets, signal, undefined, { complete: true });
  const observed = targets.map((t) => {
    const out = outcomes.get(t.key);
    if (!out) throw new Error(`the observation did not answer for ${t.key}`);
    if (!out.ok) throw out.error;
    return out.observed as ObservedWorkSpace;
  });

  const anyApp = observed.some((ob) => ob.applications.size > 0);
  const catalogue = new NameBook(anyApp ? await deps.lookups.workspaces.applications(region, signal) : [], 'application', `the ${region} catalogue`, Infinity, { refused: applicationName });

  const names = uniqueNames(live.map((w) => ({ name: w.userName ?? w.workspaceName, id: w.workspaceId })));
  const documents: ExportDocument[] = [];
  live.forEach((w, i) => {
    const ob = observed[i]!;
    const apps = [...ob.applications.values()].sort((a, b) => compare(a.applicationId, b.applicationId));
    const there = apps.filter((a) => EXPORTED_STATES.has(a.state));
    const leaving = apps.filter((a) => !EXPORTED_STATES.has(a.state) && a.state !== 'REMOVED');
    if (there.length === 0 && !o.prune) {
      skipped.push({ item: `WorkSpace ${w.workspaceId}`, reason: 'no application is associated with it and prune is off: a document would ask for nothing' });
      return;
    }
    const byId: Entry[] = [];
    const byName: Entry[] = [];
    for (const a of there) {
      const v = catalogue.verdict(a.applicationId);
      const note = stateNote(a);
      if (o.names && v.ok) byName.push({ value: v.name, comment: [a.applicationId, note].filter(Boolean).join(', ') });
      else byId.push({ value: a.applicationId, comment: [catalogue.label(a.applicationId), note].filter(Boolean).join(', ') || undefined });
    }
    const spec: [string, SpecValue][] = [
      ...(o.account ? [['account', o.account.name] as [string, SpecValue]] : []),
      ['region', region],
      ['workspaceIds', [{ value: w.workspaceId, comment: describeWorkSpace(w) }]],
    ];
    if (byId.length > 0 || byName.length === 0) spec.push(['applicationIds', byId]);
    if (byName.length > 0) spec.push(['applications', byName.sort((a, b) => compare(a.value, b.value))]);
    spec.push(['prune', o.prune]);
    const about = [`WorkSpace ${w.workspaceId} (${describeWorkSpace(w)}): ${count(there.length, 'application')} associated when exported.`];
    for (const a of leaving) about.push(`Not exported: ${a.applicationId}${label(catalogue, a.applicationId)} is ${a.state}, being removed.`);
    if (there.length === 0 && o.prune) {
      spec.push(['allowEmpty', true]);
      about.push('No application is associated, and with prune that is what is wanted: allowEmpty says so.');
    }
    documents.push({ kind: 'WorkSpaceApplications', name: names[i]!, about, spec });
  });
  if (documents.length === 0) throw new ExportError(nothingToWrite(live.length, 'WorkSpace'));
  return { documents, header: [`Exported from Amazon WorkSpaces (${scope}) in ${region}${inAccount(o.account)} by workspace-reconciler export.`], skipped };
}

/** The same WorkSpace listed twice (ids asked for twice) is one target. */
function dedupe(list: readonly WorkSpaceSummary[]): WorkSpaceSummary[] {
  return [...new Map(list.map((w) => [w.workspaceId, w])).values()];
}

function describeWorkSpace(w: WorkSpaceSummary): string {
  const who = w.userName !== undefined ? `user ${quoteIfOdd(w.userName)}` : w.workspaceName !== undefined ? quoteIfOdd(w.workspaceName) : 'no user';
  return w.directoryId !== undefined ? `${who}, directory ${w.directoryId}` : who;
}

/** Why a listed application is not simply installed, for the reviewer. */
function stateNote(a: ObservedApplication): string | undefined {
  switch (a.state) {
    case 'COMPLETED':
      return undefined;
    case 'PENDING_INSTALL':
      return 'PENDING_INSTALL: not deployed yet, apply deploys it';
    case 'ERROR':
      return isTerminalReason(a.reasonCode)
        ? `ERROR ${a.reasonCode}: plan reports it failed, nothing retries it`
        : `ERROR ${a.reasonCode ?? '(no reason)'}: apply retries the deployment`;
    default:
      return `${a.state}: being installed`;
  }
}

function label(book: NameBook, id: string): string {
  const l = book.label(id);
  return l === undefined ? '' : ` (${l})`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
