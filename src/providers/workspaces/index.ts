/**
 * Amazon WorkSpaces application associations (wsa-… ↔ ws-…). Observed with one
 * DescribeWorkspaceAssociations per WorkSpace (the API is per WorkSpace and not paginated, so
 * there is nothing to batch); changed with Associate/DisassociateWorkspaceApplication (one pair
 * per call) and DeployWorkspaceApplications (per WorkSpace, covering all its pending pairs).
 */
import {
  AssociateWorkspaceApplicationCommand,
  DeployWorkspaceApplicationsCommand,
  DescribeWorkspaceAssociationsCommand,
  DisassociateWorkspaceApplicationCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  type WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { accountField, type WorkSpaceTarget } from '../../model/desired.js';
import type { ObservedWorkSpace } from '../../model/observed.js';
import type { ClientFactory } from '../clients.js';
import { AwsCallError, NotSent, ObserveOnlyViolation, TerminalError, classifyAwsError } from '../errors.js';
import { directGate, type Action, type ActionResult, type CallGate, type CallInfo, type ObserveOutcome, type Provider } from '../types.js';
import { toApplications } from './associations.js';

export interface WorkSpacesProviderOptions {
  clients: ClientFactory;
  /** Runs every AWS call under its rate limit. Default `directGate` (no limit). */
  gate?: CallGate;
}

const NO_REGION = '-';

type Operation =
  | 'DescribeWorkspaceAssociations'
  | 'AssociateWorkspaceApplication'
  | 'DisassociateWorkspaceApplication'
  | 'DeployWorkspaceApplications';

export class WorkSpacesProvider implements Provider<WorkSpaceTarget> {
  readonly service = 'workspaces' as const;
  private readonly clients: ClientFactory;
  private readonly gate: CallGate;

  constructor(options: WorkSpacesProviderOptions) {
    this.clients = options.clients;
    this.gate = options.gate ?? directGate;
  }

  /** Every WorkSpace is its own group: no call observes two WorkSpaces. */
  groupKey(target: WorkSpaceTarget): string {
    return target.key;
  }

  /** One call per target, all started at once: the gate, not this loop, sets the pace. */
  async observe(targets: WorkSpaceTarget[], signal?: AbortSignal): Promise<Map<string, ObserveOutcome>> {
    const outcomes = await Promise.all(targets.map((t) => this.observeOne(t, signal)));
    return new Map(targets.map((t, i) => [t.key, outcomes[i]!]));
  }

  async execute(action: Action, signal?: AbortSignal): Promise<ActionResult> {
    const target = action.target;
    if (target.type !== 'workspaces') {
      throw new TypeError(`WorkSpacesProvider cannot execute ${action.type} on ${target.key}`);
    }
    const WorkspaceId = target.workspaceId;
    if (action.type === 'deploy') {
      const info = this.info('DeployWorkspaceApplications', target);
      // Force only when asked: it retries failed deployments, which a plain deploy leaves alone.
      const input = { WorkspaceId, Force: action.force || undefined };
      const out = await this.send(info, signal, (c) => c.send(new DeployWorkspaceApplicationsCommand(input), { abortSignal: signal }));
      return { done: [WorkspaceId], failed: [], requestId: out.$metadata.requestId };
    }

    if (action.items.length !== 1) {
      throw new TypeError(`Expected exactly 1 application per ${action.type} of ${target.key}, got ${action.items.length}`);
    }
    const ApplicationId = action.items[0]!;
    const input = { WorkspaceId, ApplicationId };
    if (action.type === 'associate') {
      const info = this.info('AssociateWorkspaceApplication', target);
      try {
        const out = await this.send(info, signal, (c) => c.send(new AssociateWorkspaceApplicationCommand(input), { abortSignal: signal }));
        return { done: [ApplicationId], failed: [], requestId: out.$metadata.requestId };
      } catch (err) {
        // Already associated (in whatever state): the wanted fact holds, so the action is done.
        if (sdkCause(err) instanceof ResourceAlreadyExistsException) return alreadySo(ApplicationId, err);
        throw err;
      }
    }

    const info = this.info('DisassociateWorkspaceApplication', target);
    const stillWanted = action.stillWanted;
    try {
      const out = await this.send(info, signal, (c) => {
        // A removal is sent only if the desired state still calls for it at this moment.
        if (stillWanted && !stillWanted(ApplicationId)) throw new NotSent();
        return c.send(new DisassociateWorkspaceApplicationCommand(input), { abortSignal: signal });
      });
      return { done: [ApplicationId], failed: [], requestId: out.$metadata.requestId };
    } catch (err) {
      if (err instanceof NotSent) return { done: [], failed: [], skipped: [ApplicationId] };
      // The planner disassociates only pairs it observed on this WorkSpace a moment ago, so
      // NotFound means the association is gone already (removed by someone else, or a repeat of
      // our own call): removal is idempotent. Should the WorkSpace itself have vanished, the pair
      // is gone too, and the next observation of the target reports that WorkSpace as not found.
      if (sdkCause(err) instanceof ResourceNotFoundException) return alreadySo(ApplicationId, err);
      throw err;
    }
  }

  private async observeOne(target: WorkSpaceTarget, signal?: AbortSignal): Promise<ObserveOutcome> {
    const info = this.info('DescribeWorkspaceAssociations', target);
    try {
      const input = { WorkspaceId: target.workspaceId, AssociatedResourceTypes: ['APPLICATION' as const] };
      const out = await this.send(info, signal, (c) => c.send(new DescribeWorkspaceAssociationsCommand(input), { abortSignal: signal }));
      const observed: ObservedWorkSpace = {
        type: 'workspaces',
        key: target.key,
        applications: toApplications(out.Associations ?? []),
      };
      return { ok: true, observed };
    } catch (err) {
      if (signal?.aborted) throw err;
      return { ok: false, error: classifyAwsError(err, info) };
    }
  }

  /** Region '-' stands for "none configured" (as in target keys); `send` refuses it. */
  private info(operation: Operation, target: WorkSpaceTarget): CallInfo {
    return { service: 'workspaces', ...accountField(target.account), region: target.region ?? NO_REGION, operation, targetKey: target.key };
  }

  /**
   * One gated call. Failures come back classified (AwsCallError with the SDK error as `cause`),
   * except a cancellation by our own signal, which propagates as the abort it is.
   */
  private async send<T>(
    info: CallInfo,
    signal: AbortSignal | undefined,
    call: (client: WorkSpacesClient) => Promise<T>,
  ): Promise<T> {
    if (info.region === NO_REGION) throw missingRegion(info);
    const client = this.clients.workspaces(info.region, info.account);
    try {
      return await this.gate.call(info, () => call(client));
    } catch (err) {
      // Never sent (NotSent, or refused as a bug under observe-only): not an AWS answer to classify.
      if (err instanceof NotSent || err instanceof ObserveOnlyViolation || signal?.aborted) throw err;
      throw classifyAwsError(err, info);
    }
  }
}

/** The SDK error behind a classified error. */
function sdkCause(err: unknown): unknown {
  return err instanceof AwsCallError ? err.cause : undefined;
}

function alreadySo(item: string, err: unknown): ActionResult {
  return { done: [item], failed: [], requestId: err instanceof AwsCallError ? err.requestId : undefined };
}

function missingRegion(info: CallInfo): AwsCallError {
  return new TerminalError({ ...info, code: 'MissingRegion', awsMessage: 'no region: set spec.region, --region, or AWS_REGION' });
}
