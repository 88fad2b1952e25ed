/**
 * Amazon Connect workspace associations: which users and routing profiles (by ARN) are
 * associated with a Connect workspace. Observed per instance with whichever needs fewer calls:
 * one paginated SearchWorkspaceAssociations scan of the instance (it serves every workspace of
 * it), or, when only a few workspaces of a big instance are due, one search per workspace with
 * `SearchCriteria` on its WorkspaceId. AWS does not document that FieldName (aws-api.md §2.3),
 * so the filter is verified at run time (filter.ts) and given up, for the instance, logged once,
 * when AWS rejects or ignores it. Changed with AssociateWorkspace / DisassociateWorkspace in
 * batches of 1..25 ARNs.
 */
import {
  AssociateWorkspaceCommand,
  DisassociateWorkspaceCommand,
  SearchWorkspaceAssociationsCommand,
  type AssociateWorkspaceCommandOutput,
  type ConnectClient,
  type SearchWorkspaceAssociationsCommandOutput,
  type WorkspaceAssociationSearchSummary,
} from '@aws-sdk/client-connect';
import type { Logger } from 'pino';
import { accountField, DEFAULT_ACCOUNT, type ConnectTarget } from '../../model/desired.js';
import type { ObservedConnect } from '../../model/observed.js';
import { sendOptions, type ClientFactory } from '../clients.js';
import { NotSent, ObserveOnlyViolation, RetryableError, TerminalError, classifyAwsError, type AwsCallError } from '../errors.js';
import { directGate, type Action, type ActionResult, type CallGate, type CallInfo, type ObserveOutcome, type Provider } from '../types.js';
import { MAX_BATCH, interpretBatch, type BatchOperation } from './batch.js';
import { FILTER_REFUSED, chooseSearch, workspaceCriteria, type FilterVerdict } from './filter.js';

/** SearchWorkspaceAssociations' MaxResults maximum. */
export const MAX_PAGE_SIZE = 500;

export interface ConnectProviderOptions {
  clients: ClientFactory;
  /** Runs every AWS call under its rate limit. Default `directGate` (no limit). */
  gate?: CallGate;
  /** SearchWorkspaceAssociations page size, 1..500. Default 500 (the API maximum: fewest calls). */
  pageSize?: number;
  /** Where the one-time fallback from the filtered search is logged. Default silent. */
  logger?: Logger;
  /** Called after each observation with how it was made (for tests and the benchmark). */
  onSearch?: (e: SearchEvent) => void;
}

export interface SearchEvent {
  group: string;
  /** 'filtered': one search per due workspace; 'full': the instance scan. */
  mode: 'filtered' | 'full';
  calls: number;
  /** The filter was found rejected or ignored during this observation (the scan was finished unfiltered). */
  fellBack?: FilterVerdict;
}

/** Items of one workspace from its filtered search, or the verdict that stops trusting the filter. */
type FilteredResult = { ok: true; items: WorkspaceAssociationSearchSummary[] } | { ok: false; verdict: FilterVerdict; why: string };

const SEARCH = 'SearchWorkspaceAssociations';

/** Answers to a request whose only suspect part is its NextToken (the first page had none). */
const TOKEN_REFUSED = new Set(['InvalidParameterException', 'InvalidRequestException', 'InvalidNextTokenException', 'ExpiredNextTokenException']);
/** Scans started again after a refused token before the failure goes to the work queue. */
const MAX_SCAN_RESTARTS = 3;

export class ConnectProvider implements Provider<ConnectTarget> {
  readonly service = 'connect' as const;
  private readonly clients: ClientFactory;
  private readonly gate: CallGate;
  private readonly pageSize: number;

  private readonly log?: Logger;
  private readonly onSearch?: (e: SearchEvent) => void;
  /** Per instance: whether its filtered search is trusted ('honoured'), given up, or not tried yet. */
  private readonly verdicts = new Map<string, FilterVerdict>();
  /** Per instance: associations each workspace had when last observed, to estimate its filtered pages. */
  private readonly sizes = new Map<string, Map<string, number>>();

  constructor(options: ConnectProviderOptions) {
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new TypeError(`Expected \`pageSize\` to be an integer in 1..${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
    this.clients = options.clients;
    this.gate = options.gate ?? directGate;
    this.pageSize = pageSize;
    this.log = options.logger;
    this.onSearch = options.onSearch;
  }

  groupKey(target: ConnectTarget): string {
    return `${target.account === DEFAULT_ACCOUNT ? '' : `${target.account}/`}${target.region}/${target.instanceId}`;
  }

  async observe(targets: ConnectTarget[], signal?: AbortSignal, due?: ReadonlySet<string>): Promise<Map<string, ObserveOutcome>> {
    const out = new Map<string, ObserveOutcome>();
    const first = targets[0];
    if (!first) return out;
    const group = this.groupKey(first);
    for (const t of targets) {
      if (this.groupKey(t) !== group) {
        throw new TypeError(`observe() takes targets of one group; got ${group} and ${this.groupKey(t)}`);
      }
    }
    const region = first.region;
    if (region === undefined) {
      for (const t of targets) out.set(t.key, { ok: false, error: missingRegion(SEARCH, t.key) });
      return out;
    }
    const dueTargets = due === undefined ? targets : targets.filter((t) => due.has(t.key));

    let byWorkspace: Map<string, Set<string>>;
    /** Workspaces whose every association byWorkspace holds; undefined: all of them (a full scan). */
    let complete: Set<string> | undefined;
    const names = new Map<string, string>();
    const calls = { n: 0 };
    let event: SearchEvent = { group, mode: 'full', calls: 0 };
    try {
      const account = first.account;
      const client: ConnectClient = this.clients.connect(region, account);
      const page1 = await this.page(client, account, region, first.instanceId, undefined, undefined, signal, calls);
      const wanted = [...new Set(dueTargets.map((t) => t.workspaceId))];
      const sizes = this.sizesOf(group);
      const plan = page1.NextToken
        ? chooseSearch({
            total: page1.ApproximateTotalCount,
            pageSize: this.pageSize,
            verdict: this.verdicts.get(group) ?? 'unknown',
            workspaces: wanted.map((w) => sizes.get(w)),
          })
        : 'full';
      let filtered: Map<string, WorkspaceAssociationSearchSummary[]> | undefined;
      if (plan === 'filtered') {
        const r = await this.filtered(client, account, region, first.instanceId, group, wanted, page1, signal, calls);
        if (r.ok) filtered = r.byWorkspace;
        else if (r.verdict !== 'unknown') {
          event = { ...event, fellBack: r.verdict };
          this.verdicts.set(group, r.verdict);
          this.log?.warn(
            { region, instanceId: first.instanceId, verdict: r.verdict, why: r.why },
            `SearchWorkspaceAssociations ${r.verdict === 'rejected' ? 'rejects' : 'does not honour'} a filter on WorkspaceId for this instance: observing it with the full scan from now on`,
          );
        }
      }
      if (filtered) {
        event = { ...event, mode: 'filtered' };
        byWorkspace = new Map();
        complete = new Set(wanted);
        // Every item was checked to belong to the workspace it was asked for (belongs()).
        for (const [w, items] of filtered) {
          collect(items, names);
          byWorkspace.set(w, new Set(items.flatMap((a) => (a.ResourceArn ? [a.ResourceArn] : []))));
        }
      } else {
        byWorkspace = await this.scan(client, account, region, first.instanceId, signal, names, page1, calls);
      }
    } catch (err) {
      rethrowAbort(err, signal);
      const targetKey = targets.length === 1 ? first.key : undefined;
      const error = classifyAwsError(err, { service: 'connect', ...accountField(first.account), region, operation: SEARCH, targetKey });
      for (const t of dueTargets) out.set(t.key, { ok: false, error });
      this.onSearch?.({ ...event, calls: calls.n });
      return out;
    }
    this.onSearch?.({ ...event, calls: calls.n });
    const sizes = this.sizesOf(group);
    for (const t of targets) {
      if (complete !== undefined && !complete.has(t.workspaceId)) continue;
      // Each workspace's set is its one target's (a key names one workspace of one instance).
      const observed: ObservedConnect = { type: 'connect', key: t.key, associated: byWorkspace.get(t.workspaceId) ?? new Set() };
      sizes.set(t.workspaceId, observed.associated.size);
      const named = new Map<string, string>();
      for (const arn of observed.associated) {
        const name = names.get(arn);
        if (name !== undefined) named.set(arn, name);
      }
      if (named.size > 0) observed.names = named;
      out.set(t.key, { ok: true, observed });
    }
    return out;
  }

  /**
   * One filtered search per workspace, verified: every item must belong to the workspace asked
   * for, and the first unfiltered page must agree (a workspace it lists has those associations in
   * its filtered answer too). Until the filter is trusted for the instance, a workspace of the
   * first page is asked first, as the check.
   */
  private async filtered(
    client: ConnectClient,
    account: string,
    region: string,
    instanceId: string,
    group: string,
    wanted: string[],
    page1: SearchWorkspaceAssociationsCommandOutput,
    signal: AbortSignal | undefined,
    calls: { n: number },
  ): Promise<{ ok: true; byWorkspace: Map<string, WorkspaceAssociationSearchSummary[]> } | { ok: false; verdict: FilterVerdict; why: string }> {
    const onPage1 = new Map<string, Set<string>>();
    for (const a of page1.WorkspaceAssociations ?? []) {
      if (!a.WorkspaceId || !a.ResourceArn) continue;
      let set = onPage1.get(a.WorkspaceId);
      if (!set) onPage1.set(a.WorkspaceId, (set = new Set()));
      set.add(a.ResourceArn);
    }
    const order = [...wanted];
    if (this.verdicts.get(group) !== 'honoured') {
      // The check: a due workspace the first page lists, else the first workspace it lists.
      const canary = wanted.find((w) => onPage1.has(w)) ?? onPage1.keys().next().value;
      if (canary === undefined) return { ok: false, verdict: 'unknown', why: 'the first unfiltered page lists nothing to check the filtered search against' };
      if (order.includes(canary)) order.splice(order.indexOf(canary), 1);
      order.unshift(canary);
    }
    const byWorkspace = new Map<string, WorkspaceAssociationSearchSummary[]>();
    for (const w of order) {
      const r = await this.searchOne(client, account, region, instanceId, w, signal, calls);
      if (!r.ok) return r;
      const got = new Set(r.items.flatMap((a) => (a.ResourceArn ? [a.ResourceArn] : [])));
      for (const arn of onPage1.get(w) ?? []) {
        if (!got.has(arn)) return { ok: false, verdict: 'ignored', why: `the filtered search of workspace ${w} lacks ${arn}, which the unfiltered search lists` };
      }
      if (this.verdicts.get(group) !== 'honoured' && onPage1.has(w)) this.verdicts.set(group, 'honoured');
      if (wanted.includes(w)) byWorkspace.set(w, r.items);
    }
    return { ok: true, byWorkspace };
  }

  /** Every association of one workspace through the filtered search, each item checked. */
  private async searchOne(client: ConnectClient, account: string, region: string, instanceId: string, workspaceId: string, signal: AbortSignal | undefined, calls: { n: number }): Promise<FilteredResult> {
    const items: WorkspaceAssociationSearchSummary[] = [];
    let token: string | undefined;
    for (;;) {
      let page: SearchWorkspaceAssociationsCommandOutput;
      try {
        page = await this.page(client, account, region, instanceId, token, workspaceId, signal, calls);
      } catch (err) {
        // Through the rate limiter the AWS code is `code` (the error is classified); without it, `name`.
        const code = (err as { code?: string; name?: string }).code ?? (err as { name?: string }).name ?? '';
        // A filter refused on its first page is the answer we were checking for; mid-way, a refused
        // page token is an ordinary scan failure, retried by the work queue.
        if (token === undefined && FILTER_REFUSED.has(code) && !signal?.aborted) {
          return { ok: false, verdict: 'rejected', why: `${code}: ${(err as Error).message}` };
        }
        throw err;
      }
      for (const a of page.WorkspaceAssociations ?? []) {
        if (!this.belongs(a, workspaceId)) {
          return { ok: false, verdict: 'ignored', why: `a search filtered on workspace ${workspaceId} returned an association of ${a.WorkspaceId ?? '(none)'}` };
        }
        items.push(a);
      }
      const sent = token;
      token = page.NextToken || undefined;
      if (token !== undefined && token === sent) {
        throw new RetryableError({ service: 'connect', ...accountField(account), region, operation: SEARCH, code: 'RepeatedNextToken', awsMessage: 'the service returned the NextToken it was sent', requestId: page.$metadata.requestId });
      }
      if (token === undefined) return { ok: true, items };
    }
  }

  /** Whether an item of a search filtered on `workspaceId` belongs to it: the filter is never trusted blindly. */
  protected belongs(a: WorkspaceAssociationSearchSummary, workspaceId: string): boolean {
    return a.WorkspaceId === workspaceId;
  }

  /** One gated SearchWorkspaceAssociations page, filtered on a workspace or not. */
  private page(
    client: ConnectClient,
    account: string,
    region: string,
    instanceId: string,
    NextToken: string | undefined,
    workspaceId: string | undefined,
    signal: AbortSignal | undefined,
    calls: { n: number },
  ): Promise<SearchWorkspaceAssociationsCommandOutput> {
    const info: CallInfo = { service: 'connect', ...accountField(account), region, operation: SEARCH };
    const SearchCriteria = workspaceId === undefined ? undefined : workspaceCriteria(workspaceId);
    return this.gate.call(info, () => {
      calls.n++;
      return client.send(new SearchWorkspaceAssociationsCommand({ InstanceId: instanceId, MaxResults: this.pageSize, NextToken, SearchCriteria }), sendOptions(signal));
    });
  }

  private sizesOf(group: string): Map<string, number> {
    let m = this.sizes.get(group);
    if (!m) this.sizes.set(group, (m = new Map()));
    return m;
  }

  async execute(action: Action, signal?: AbortSignal): Promise<ActionResult> {
    if (action.type === 'deploy' || action.target.type !== 'connect') {
      throw new TypeError(`ConnectProvider cannot execute ${action.type} on ${action.target.key}`);
    }
    const { target, items } = action;
    if (items.length < 1 || items.length > MAX_BATCH) {
      throw new TypeError(`Expected 1..${MAX_BATCH} ARNs per ${action.type} of ${target.key}, got ${items.length}`);
    }
    const operation: BatchOperation = action.type === 'associate' ? 'AssociateWorkspace' : 'DisassociateWorkspace';
    if (target.region === undefined) throw missingRegion(operation, target.key);
    const info: CallInfo = { service: 'connect', ...accountField(target.account), region: target.region, operation, targetKey: target.key };
    const client = this.clients.connect(target.region, target.account);
    let sent: string[] = [...items];
    let output: AssociateWorkspaceCommandOutput;
    try {
      output = await this.gate.call(info, () => {
        // A removal is sent only if the desired state still calls for it at this moment.
        if (action.type === 'disassociate' && action.stillWanted) sent = items.filter(action.stillWanted);
        if (sent.length === 0) throw new NotSent();
        const input = { InstanceId: target.instanceId, WorkspaceId: target.workspaceId, ResourceArns: sent };
        return action.type === 'associate'
          ? client.send(new AssociateWorkspaceCommand(input), sendOptions(signal))
          : client.send(new DisassociateWorkspaceCommand(input), sendOptions(signal));
      });
    } catch (err) {
      if (err instanceof NotSent) return { done: [], failed: [], skipped: [...items] };
      // Refused as a bug under observe-only: never sent, not an AWS answer to classify.
      if (err instanceof ObserveOnlyViolation) throw err;
      rethrowAbort(err, signal);
      throw classifyAwsError(err, info);
    }
    const result = interpretBatch(operation, sent, output);
    const skipped = items.filter((i) => !sent.includes(i));
    return skipped.length ? { ...result, skipped } : result;
  }

  /**
   * Every association of the instance, by workspace id: one page per gated call, continuing from
   * `first` (the first page, already read) when given.
   */
  private async scan(
    client: ConnectClient,
    account: string,
    region: string,
    instanceId: string,
    signal: AbortSignal | undefined,
    names: Map<string, string>,
    first: SearchWorkspaceAssociationsCommandOutput,
    calls: { n: number },
  ): Promise<Map<string, Set<string>>> {
    const info: CallInfo = { service: 'connect', ...accountField(account), region, operation: SEARCH };
    let byWorkspace = new Map<string, Set<string>>();
    let nextToken: string | undefined;
    let restarts = 0;
    let pending: SearchWorkspaceAssociationsCommandOutput | undefined = first;
    for (;;) {
      const sent = nextToken;
      let page: SearchWorkspaceAssociationsCommandOutput;
      if (pending) {
        page = pending;
        pending = undefined;
      } else {
        try {
          page = await this.page(client, account, region, instanceId, sent, undefined, signal, calls);
        } catch (err) {
          // A page token refused mid-scan (expired: AWS documents no lifetime) says nothing about
          // the instance: start the scan again, a few times, then let the work queue retry it.
          // Never terminal: that would fail every target of the instance until the next resync.
          const code = (err as { code?: string; name?: string }).code ?? (err as { name?: string }).name;
          if (sent === undefined || signal?.aborted || !TOKEN_REFUSED.has(code ?? '')) throw err;
          if (++restarts > MAX_SCAN_RESTARTS) {
            throw new RetryableError({ ...info, code: 'NextTokenRefused', awsMessage: `the page token was refused ${restarts} times in a row mid-scan (${code})` }, { cause: err });
          }
          byWorkspace = new Map();
          nextToken = undefined;
          continue;
        }
      }
      collect(page.WorkspaceAssociations ?? [], names, byWorkspace);
      nextToken = page.NextToken || undefined;
      // A token handed back unchanged would loop forever; a truncated scan must not pass as a
      // complete observation either, so fail the scan and let the work queue retry it.
      if (nextToken !== undefined && nextToken === sent) {
        throw new RetryableError({
          ...info,
          code: 'RepeatedNextToken',
          awsMessage: 'the service returned the NextToken it was sent',
          requestId: page.$metadata.requestId,
        });
      }
      if (nextToken === undefined) return byWorkspace;
    }
  }
}

/** Items by workspace id (into `into`), with the names the search gives for free. */
function collect(items: readonly WorkspaceAssociationSearchSummary[], names: Map<string, string>, into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const a of items) {
    if (!a.WorkspaceId || !a.ResourceArn) continue;
    let set = into.get(a.WorkspaceId);
    if (!set) into.set(a.WorkspaceId, (set = new Set()));
    set.add(a.ResourceArn);
    // Free with the scan: names beside ids in plan without any extra call.
    if (a.ResourceName && !names.has(a.ResourceArn)) names.set(a.ResourceArn, `${a.ResourceType === 'ROUTING_PROFILE' ? 'routing profile' : 'user'} ${a.ResourceName}`);
  }
  return into;
}

function missingRegion(operation: string, targetKey: string): AwsCallError {
  return new TerminalError({
    service: 'connect',
    region: '-',
    operation,
    targetKey,
    code: 'MissingRegion',
    awsMessage: 'no region: set spec.region, --region, or AWS_REGION',
  });
}

/**
 * A call cancelled by our own signal (shutdown) is not an AWS answer: it is not reported as a
 * failure of the target, it propagates as the abort it is.
 */
function rethrowAbort(err: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw err;
}
