/**
 * `export connect`: what a Connect instance has now, one ConnectWorkspaceAssociations document
 * per workspace. Calls: one ListWorkspaces scan (names, and which workspaces exist), one
 * SearchWorkspaceAssociations scan of the instance (the provider's observation, shared by every
 * workspace), and with --names one ListUsers and/or ListRoutingProfiles scan, only for the kinds
 * of resource that are associated. Comments use the names the association scan returns, free.
 */
import { parseConnectArn } from '../config/arn.js';
import { arnAsName } from '../config/connect-spec.js';
import { closest } from '../config/suggest.js';
import { connectKey, DEFAULT_ACCOUNT, type ConnectTarget } from '../model/desired.js';
import type { Named } from '../model/lookup.js';
import type { ObservedConnect } from '../model/observed.js';
import { uniqueNames, type Entry, type ExportDocument, type SpecValue } from './document.js';
import { NameBook, quoteIfOdd } from './names.js';
import { ExportError, inAccount, nothingToWrite, type ExportDeps, type ExportOptions, type ExportResult } from './types.js';

/** The loader's limits (config/connect-spec.ts): a longer name could not be read back. */
const USERNAME_MAX = 100;
const NAME_MAX = 127;

export interface ConnectExportOptions extends ExportOptions {
  instanceId: string;
  /** Workspaces by id or name; empty: every workspace of the instance. */
  workspaces: readonly string[];
}

export async function exportConnect(o: ConnectExportOptions, deps: ExportDeps): Promise<ExportResult> {
  const { region, instanceId, signal } = { ...o, signal: deps.signal };
  const where = `instance ${instanceId}`;
  const all = await deps.lookups.connect.workspaces(region, instanceId, signal);
  // Sorted by name, then id: the same world gives the same bytes, whatever order AWS lists in.
  const chosen = (o.workspaces.length === 0 ? [...all] : choose(all, o.workspaces, where)).sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
  if (chosen.length === 0) throw new ExportError(`${where} (${region}) has no workspaces: nothing to export`);

  const targets: ConnectTarget[] = chosen.map((w) => ({
    type: 'connect',
    key: connectKey(o.account?.id ?? DEFAULT_ACCOUNT, region, instanceId, w.id),
    account: o.account?.id ?? DEFAULT_ACCOUNT,
    region,
    instanceId,
    workspaceId: w.id,
    desired: new Map(),
    prune: false,
    documents: [],
  }));
  const outcomes = await deps.providers.connect.observe(targets, signal);
  const observed = targets.map((t) => {
    const out = outcomes.get(t.key);
    if (!out) throw new Error(`the observation of ${where} did not answer for ${t.key}`);
    if (!out.ok) throw out.error;
    return out.observed as ObservedConnect;
  });

  const arns = observed.flatMap((ob) => [...ob.associated]);
  const typeOf = (arn: string) => {
    const p = parseConnectArn(arn);
    return p.ok ? p.arn.resourceType : undefined;
  };
  // An association the desired state cannot list (another resource type, another instance or
  // region): with prune it would be removed, so that export is refused; without, it is left out.
  const foreign = (arn: string) => {
    const p = parseConnectArn(arn);
    return !p.ok || p.arn.instanceId !== instanceId || p.arn.region !== region;
  };
  const odd = chosen.flatMap((w, i) => [...observed[i]!.associated].filter(foreign).map((arn) => ({ w, arn })));
  if (odd.length > 0 && o.prune) {
    throw new ExportError(`${count(odd.length, 'association')} of ${where} cannot be written as desired state (first: ${odd[0]!.arn} on workspace ${odd[0]!.w.id}): a user or routing profile of this instance and region is expected, and with --prune it would be removed`);
  }
  const book = async (type: 'agent' | 'routing-profile', list: () => Promise<Named[]>, kind: string, max: number) =>
    o.names && arns.some((a) => typeOf(a) === type) ? new NameBook(await list(), kind, where, max, { key: (n) => n.arn, refused: arnAsName }) : undefined;
  const users = await book('agent', () => deps.lookups.connect.users(region, instanceId, signal), 'user', USERNAME_MAX);
  const profiles = await book('routing-profile', () => deps.lookups.connect.routingProfiles(region, instanceId, signal), 'routing profile', NAME_MAX);
  const workspaceNames = new NameBook(all, 'workspace', where, NAME_MAX);

  const names = uniqueNames(chosen.map((w) => ({ name: w.name, id: w.id })));
  const documents: ExportDocument[] = [];
  const skipped: ExportResult['skipped'] = [];
  chosen.forEach((w, i) => {
    const ob = observed[i]!;
    for (const arn of ob.associated) {
      if (foreign(arn)) skipped.push({ item: `${arn} on workspace ${w.id}`, reason: 'not a user or routing profile of this instance and region: the desired state cannot list it' });
    }
    const listable = [...ob.associated].filter((arn) => !foreign(arn));
    if (listable.length === 0 && !o.prune) {
      skipped.push({ item: `workspace ${w.id} (${w.name})`, reason: 'nothing is associated with it and prune is off: a document would ask for nothing' });
      return;
    }
    const spec: [string, SpecValue][] = [...(o.account ? [['account', o.account.name] as [string, SpecValue]] : []), ['region', region], ['instanceId', instanceId]];
    const ws = workspaceNames.verdict(w.id);
    if (o.names && ws.ok) spec.push(['workspaceName', { value: ws.name, comment: w.id }]);
    else spec.push(['workspaceId', { value: w.id, comment: workspaceNames.label(w.id) ?? w.name }]);

    const byArn: Entry[] = [];
    const userNames: string[] = [];
    const profileNames: string[] = [];
    for (const arn of listable) {
      const type = typeOf(arn);
      const named = type === 'agent' ? users : type === 'routing-profile' ? profiles : undefined;
      const v = named?.verdict(arn);
      if (v?.ok) (type === 'agent' ? userNames : profileNames).push(v.name);
      else byArn.push({ value: arn, comment: arnComment(arn, ob, named) });
    }
    const empty = byArn.length === 0 && userNames.length === 0 && profileNames.length === 0;
    if (byArn.length > 0 || empty) spec.push(['resourceArns', byArn.sort((a, b) => compare(a.comment ?? '', b.comment ?? '') || compare(a.value, b.value))]);
    if (userNames.length > 0) spec.push(['users', userNames.sort(compare).map((value) => ({ value }))]);
    if (profileNames.length > 0) spec.push(['routingProfiles', profileNames.sort(compare).map((value) => ({ value }))]);
    spec.push(['prune', o.prune]);
    const about = [`Connect workspace ${quoteIfOdd(w.name)} (${w.id}) of ${where}: ${count(listable.length, 'association')} when exported.`];
    if (empty && o.prune) {
      spec.push(['allowEmpty', true]);
      about.push('Nothing is associated, and with prune that is what is wanted: allowEmpty says so.');
    }
    documents.push({ kind: 'ConnectWorkspaceAssociations', name: names[i]!, about, spec });
  });
  if (documents.length === 0) throw new ExportError(nothingToWrite(chosen.length, 'workspace'));
  return { documents, header: [`Exported from Amazon Connect ${where} in ${region}${inAccount(o.account)} by workspace-reconciler export.`], skipped };
}

/** The workspaces asked for: an id, else a name that exactly one workspace has. */
function choose(all: readonly Named[], asked: readonly string[], where: string): Named[] {
  const out = new Map<string, Named>();
  for (const a of asked) {
    const byId = all.find((w) => w.id === a);
    const byName = all.filter((w) => w.name === a);
    if (byId) out.set(byId.id, byId);
    else if (byName.length === 1) out.set(byName[0]!.id, byName[0]!);
    else if (byName.length > 1) {
      throw new ExportError(`${byName.length} workspaces of ${where} are named '${a}' (${byName.map((w) => w.id).join(', ')}): pass --workspace with one of their ids`);
    } else {
      const near = closest(a, all.map((w) => w.name));
      throw new ExportError(`${where} has no workspace with the id or name '${a}'${near !== undefined ? `; did you mean '${near}'?` : ''}`);
    }
  }
  return [...out.values()];
}

function arnComment(arn: string, ob: ObservedConnect, named: NameBook | undefined): string | undefined {
  const label = named?.label(arn);
  const type = parseConnectArn(arn);
  const kind = type.ok && type.arn.resourceType === 'routing-profile' ? 'routing profile' : 'user';
  if (label !== undefined) return `${kind} ${label}`;
  return ob.names?.get(arn);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
