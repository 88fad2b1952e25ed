/**
 * The one small interface between the reconciler and AWS. Providers report facts and execute
 * single actions; they never decide what to do (that is the planner's job) and never retry on
 * their own beyond the SDK's transient-error retries (that is the work queue's job).
 */
import type { ConnectTarget, Target, WorkSpaceTarget } from '../model/desired.js';
import type { Observed } from '../model/observed.js';
import type { AwsCallError } from './errors.js';

export type Service = 'connect' | 'workspaces';

/** Identifies one AWS call for rate limiting, telemetry and error reports. */
export interface CallInfo {
  service: Service;
  /** The account whose credentials make the call (a 12-digit id, or DEFAULT_ACCOUNT); undefined: the default credentials. */
  account?: string;
  region: string;
  operation: string;
  /** The target the call is made for, when there is one (observation scans serve several). */
  targetKey?: string;
}

/**
 * Runs one AWS call under the rate limit of its service/region/operation. The reconciler's
 * rate-limited executor implements it; `directGate` runs calls as they come (tests, tools).
 */
export interface CallGate {
  call<T>(info: CallInfo, send: () => Promise<T>): Promise<T>;
  /** The rate limit calls like this one go through, where the gate has one (to weigh one way of asking against another). */
  limitOf?(info: CallInfo): { rate: number; burst: number };
}

export const directGate: CallGate = { call: (_info, send) => send() };

export type Action =
  | { type: 'associate'; target: ConnectTarget; items: string[] }
  | { type: 'disassociate'; target: ConnectTarget; items: string[]; stillWanted?: StillWanted }
  | { type: 'associate'; target: WorkSpaceTarget; items: [string] }
  | { type: 'disassociate'; target: WorkSpaceTarget; items: [string]; stillWanted?: StillWanted }
  | { type: 'deploy'; target: WorkSpaceTarget; force: boolean };

/**
 * Asked at the moment a removal is sent (after its wait in the rate limiter), per item: does the
 * target's desired state *now* still call for removing it? Items it refuses are not sent at all
 * (reported in `ActionResult.skipped`), so an edit or revert of the desired state stops the rest
 * of a pass's removals at once instead of after the queue drains.
 */
export type StillWanted = (item: string) => boolean;

/** One item of an action that did not take effect. */
export interface ItemFailure {
  /** Resource ARN (Connect) or application id (WorkSpaces); the WorkSpace id for a deploy. */
  item: string;
  /** AWS error code: an exception name, or a FailedList ErrorCode such as "404". */
  code: string;
  message: string;
  /** Terminal: retrying cannot help until the desired state or AWS changes. */
  terminal: boolean;
  requestId?: string;
}

/**
 * The outcome of an action that AWS answered. Items that were already in the wanted state
 * (a 409 on associate, a ResourceAlreadyExists, a 404 on disassociate) count as done: every
 * action is idempotent. A call that failed as a whole throws an AwsCallError instead.
 */
export interface ActionResult {
  done: string[];
  failed: ItemFailure[];
  /** Removals not sent because the desired state no longer called for them (see StillWanted). */
  skipped?: string[];
  requestId?: string;
}

export interface ObserveOptions {
  /**
   * Every association of each target, whatever its desired state lists (export): WorkSpaces are
   * then read one DescribeWorkspaceAssociations each, never through the application-side view
   * of the listed applications only.
   */
  complete?: boolean;
}

/** The observation of one target, or why it could not be observed. */
export type ObserveOutcome = { ok: true; observed: Observed } | { ok: false; error: AwsCallError };

export interface Provider<T extends Target = Target> {
  readonly service: Service;
  /**
   * Targets whose observations come from the same calls share a group (Connect: one scan per
   * region + instance serves all its workspaces). The reconciler coalesces concurrent
   * observations of one group into one `observe` call.
   */
  groupKey(target: T): string;
  /**
   * Observe the targets of one group with as few calls as the API allows. Every target whose key
   * is in `due` (default: all of them) must have an outcome; the others may be observed too when
   * that costs nothing more (a scan that sees them anyway), and are left out otherwise.
   */
  observe(targets: T[], signal?: AbortSignal, due?: ReadonlySet<string>, options?: ObserveOptions): Promise<Map<string, ObserveOutcome>>;
  /** Execute one action. Throws AwsCallError when the call fails as a whole. */
  execute(action: Action, signal?: AbortSignal): Promise<ActionResult>;
}
