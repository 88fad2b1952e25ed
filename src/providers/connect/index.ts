/**
 * Amazon Connect workspace associations: which users and routing profiles (by ARN) are
 * associated with a Connect workspace. Observed with one paginated SearchWorkspaceAssociations
 * scan per instance (it serves every workspace of that instance); changed with AssociateWorkspace
 * / DisassociateWorkspace in batches of 1..25 ARNs.
 */
import {
  AssociateWorkspaceCommand,
  DisassociateWorkspaceCommand,
  SearchWorkspaceAssociationsCommand,
  type AssociateWorkspaceCommandOutput,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { accountField, DEFAULT_ACCOUNT, type ConnectTarget } from '../../model/desired.js';
import type { ObservedConnect } from '../../model/observed.js';
import type { ClientFactory } from '../clients.js';
import { NotSent, ObserveOnlyViolation, RetryableError, TerminalError, classifyAwsError, type AwsCallError } from '../errors.js';
import { directGate, type Action, type ActionResult, type CallGate, type CallInfo, type ObserveOutcome, type Provider } from '../types.js';
import { MAX_BATCH, interpretBatch, type BatchOperation } from './batch.js';

/** SearchWorkspaceAssociations' MaxResults maximum. */
export const MAX_PAGE_SIZE = 500;

export interface ConnectProviderOptions {
  clients: ClientFactory;
  /** Runs every AWS call under its rate limit. Default `directGate` (no limit). */
  gate?: CallGate;
  /** SearchWorkspaceAssociations page size, 1..500. Default 500 (the API maximum: fewest calls). */
  pageSize?: number;
}

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

  constructor(options: ConnectProviderOptions) {
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new TypeError(`Expected \`pageSize\` to be an integer in 1..${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
    this.clients = options.clients;
    this.gate = options.gate ?? directGate;
    this.pageSize = pageSize;
  }

  groupKey(target: ConnectTarget): string {
    return `${target.account === DEFAULT_ACCOUNT ? '' : `${target.account}/`}${target.region}/${target.instanceId}`;
  }

  async observe(targets: ConnectTarget[], signal?: AbortSignal): Promise<Map<string, ObserveOutcome>> {
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

    let byWorkspace: Map<string, Set<string>>;
    const names = new Map<string, string>();
    try {
      byWorkspace = await this.scan(first.account, region, first.instanceId, signal, names);
    } catch (err) {
      rethrowAbort(err, signal);
      const targetKey = targets.length === 1 ? first.key : undefined;
      const error = classifyAwsError(err, { service: 'connect', ...accountField(first.account), region, operation: SEARCH, targetKey });
      for (const t of targets) out.set(t.key, { ok: false, error });
      return out;
    }
    for (const t of targets) {
      const observed: ObservedConnect = {
        type: 'connect',
        key: t.key,
        associated: new Set(byWorkspace.get(t.workspaceId) ?? []),
      };
      const named = new Map([...observed.associated].flatMap((arn) => (names.has(arn) ? [[arn, names.get(arn)!] as const] : [])));
      if (named.size > 0) observed.names = named;
      out.set(t.key, { ok: true, observed });
    }
    return out;
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
          ? client.send(new AssociateWorkspaceCommand(input), { abortSignal: signal })
          : client.send(new DisassociateWorkspaceCommand(input), { abortSignal: signal });
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

  /** Every association of the instance, by workspace id: one page per gated call. */
  private async scan(account: string, region: string, instanceId: string, signal?: AbortSignal, names?: Map<string, string>): Promise<Map<string, Set<string>>> {
    const client: ConnectClient = this.clients.connect(region, account);
    const info: CallInfo = { service: 'connect', ...accountField(account), region, operation: SEARCH };
    let byWorkspace = new Map<string, Set<string>>();
    let nextToken: string | undefined;
    let restarts = 0;
    for (;;) {
      const sent = nextToken;
      let page;
      try {
        page = await this.gate.call(info, () =>
          client.send(
            new SearchWorkspaceAssociationsCommand({ InstanceId: instanceId, MaxResults: this.pageSize, NextToken: sent }),
            { abortSignal: signal },
          ),
        );
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
      for (const a of page.WorkspaceAssociations ?? []) {
        if (!a.WorkspaceId || !a.ResourceArn) continue;
        let set = byWorkspace.get(a.WorkspaceId);
        if (!set) byWorkspace.set(a.WorkspaceId, (set = new Set()));
        set.add(a.ResourceArn);
        // Free with the scan: names beside ids in plan without any extra call.
        if (names && a.ResourceName) names.set(a.ResourceArn, `${a.ResourceType === 'ROUTING_PROFILE' ? 'routing profile' : 'user'} ${a.ResourceName}`);
      }
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
