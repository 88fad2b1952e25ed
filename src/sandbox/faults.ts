/**
 * Fault injection: probabilistic faults (throttle, HTTP 500, connection reset, latency) and scripted ones
 * (per-ARN FailedList codes, deploy outcomes, whole-call errors), each scripted entry with an optional
 * `times` countdown. Scripts are consumed in order; the first matching entry with times left wins.
 */
import type { ServiceName } from './errors.js';

export type AssociationErrorCode =
  | 'ValidationError.InsufficientDiskSpace'
  | 'ValidationError.InsufficientMemory'
  | 'ValidationError.UnsupportedOperatingSystem'
  | 'DeploymentError.InternalServerError'
  | 'DeploymentError.WorkspaceUnreachable'
  | 'ValidationError.ApplicationOldVersionExists';

export const ASSOCIATION_ERROR_CODES: readonly AssociationErrorCode[] = [
  'ValidationError.InsufficientDiskSpace',
  'ValidationError.InsufficientMemory',
  'ValidationError.UnsupportedOperatingSystem',
  'DeploymentError.InternalServerError',
  'DeploymentError.WorkspaceUnreachable',
  'ValidationError.ApplicationOldVersionExists',
];

export interface FailedListFault {
  /** Default: both AssociateWorkspace and DisassociateWorkspace. */
  operation?: 'AssociateWorkspace' | 'DisassociateWorkspace';
  resourceArn: string;
  /** The FailedList ErrorCode, `^[1-5][0-9]{2}$` (e.g. "404", "429", "500"). */
  code: string;
  /** Default: a message derived from the code. */
  message?: string;
  /** How many items it fails; default: always. */
  times?: number;
}

export interface DeployOutcomeFault {
  /** Default: any WorkSpace. */
  workspaceId?: string;
  applicationId: string;
  errorCode: AssociationErrorCode;
  /** StateReason.ErrorMessage; default derived from the code. */
  message?: string;
  /** Which deployment fails; default 'install'. */
  phase?: 'install' | 'uninstall';
  /** How many deployments it fails; default: always. */
  times?: number;
}

export interface ScriptedErrorFault {
  /** Default: the service that owns `operation` (STS: AssumeRole, GetCallerIdentity). */
  service?: ServiceName | 'sts';
  operation: string;
  /** A modeled error code of that service, e.g. AccessDeniedException. */
  code: string;
  /** Default: "Injected <code>". */
  message?: string;
  /** How many calls it fails; default: always. */
  times?: number;
}

export interface FaultOptions {
  /** Probability (0..1) that a call is answered with ThrottlingException. Default 0. */
  throttleRate?: number;
  /** Probability that a call is answered with HTTP 500 (Connect InternalServiceException, WorkSpaces InternalServerException). Default 0. */
  errorRate?: number;
  /** Probability that the socket is destroyed without an answer (the SDK sees ECONNRESET). Default 0. */
  resetRate?: number;
  /**
   * Probability that the request is accepted and never answered (the socket stays open until the
   * client gives up or the sandbox closes): what only a client-side deadline survives. Default 0.
   */
  hangRate?: number;
  /** Scripted hangs: the next `times` calls of `operation` are never answered. Default none. */
  hangs?: { operation: string; times?: number }[];
  /** Added latency per call, in milliseconds. Default 0. */
  latencyMs?: number;
  /** Restrict the probabilistic faults above to these operations. Default: every operation. */
  operations?: string[];
  /** Scripted per-item FailedList codes. Default none. */
  failedList?: FailedListFault[];
  /** Scripted deployment outcomes (ERROR with StateReason). Default none. */
  deployOutcomes?: DeployOutcomeFault[];
  /** Scripted whole-call errors (any modeled error code). Default none. */
  scriptedErrors?: ScriptedErrorFault[];
  /**
   * Page tokens (NextToken) older than this, on the sandbox clock, are refused as expired, as
   * AWS's are after a while (it does not document how long). Default 0: they never expire.
   */
  tokenTtlMs?: number;
  /** Scripted expiry: the next `times` token-carrying requests of `operation` are refused as expired. Default none. */
  expireTokens?: ExpireTokensFault[];
  /**
   * A probabilistic fault, once drawn, repeats for this many consecutive calls of the same
   * operation (outages come in runs, not as independent coin flips). Default 1.
   */
  burstLength?: number;
  /**
   * SearchWorkspaceAssociations answers as of this many milliseconds ago (search indexes are
   * eventually consistent): a change made within the lag is not yet visible, a removal still is.
   * Default 0: read-after-write.
   */
  searchLagMs?: number;
  /**
   * SearchWorkspaceAssociations returns at most this many items per page, whatever MaxResults
   * asks (AWS may return fewer; a client must follow NextToken, not count items). Default 0: MaxResults.
   */
  maxPageItems?: number;
  /**
   * What SearchWorkspaceAssociations does with `SearchCriteria`, which AWS does not document the
   * field names of (aws-api.md §2.3): 'honour' it (FieldName WorkspaceId, ResourceId, ResourceType),
   * 'reject' any request carrying it (InvalidParameterException), or 'ignore' it silently and answer
   * the whole instance. Default 'honour'.
   */
  searchCriteria?: SearchCriteriaMode;
  /**
   * Application ids DescribeApplications leaves out of its answers although they exist and can
   * be associated: a catalogue listing that lags behind (an application just created or shared)
   * or leaves some out. A reader must not take the listing as the whole truth. Default none.
   */
  unlistedApplications?: string[];
}

export type SearchCriteriaMode = 'honour' | 'reject' | 'ignore';
export const SEARCH_CRITERIA_MODES: readonly SearchCriteriaMode[] = ['honour', 'reject', 'ignore'];

export interface ExpireTokensFault {
  /** e.g. SearchWorkspaceAssociations. */
  operation: string;
  /** How many token-carrying requests it refuses; default: always. */
  times?: number;
}

export type ProbabilisticFault = 'throttle' | 'error' | 'reset' | 'hang';

/** The live fault state of one sandbox: options plus the remaining `times` of each script entry. */
export class FaultBook {
  private opts: Required<FaultOptions>;
  /** Operation → the fault of the burst in progress and how many calls it still takes. */
  private readonly bursts = new Map<string, { fault: ProbabilisticFault; left: number }>();
  constructor(
    options: FaultOptions,
    private readonly random: () => number,
  ) {
    this.opts = FaultBook.normalize(options);
  }

  private static normalize(o: FaultOptions): Required<FaultOptions> {
    const copy = <T extends object>(list: T[] | undefined): T[] => (list ?? []).map((x) => ({ ...x }));
    return {
      throttleRate: o.throttleRate ?? 0,
      errorRate: o.errorRate ?? 0,
      resetRate: o.resetRate ?? 0,
      latencyMs: o.latencyMs ?? 0,
      operations: [...(o.operations ?? [])],
      failedList: copy(o.failedList),
      deployOutcomes: copy(o.deployOutcomes),
      scriptedErrors: copy(o.scriptedErrors),
      tokenTtlMs: o.tokenTtlMs ?? 0,
      hangRate: o.hangRate ?? 0,
      hangs: copy(o.hangs),
      expireTokens: copy(o.expireTokens),
      burstLength: o.burstLength ?? 1,
      searchLagMs: o.searchLagMs ?? 0,
      maxPageItems: o.maxPageItems ?? 0,
      searchCriteria: o.searchCriteria ?? 'honour',
      unlistedApplications: [...(o.unlistedApplications ?? [])],
    };
  }

  /** Replace the given keys (their counters restart); keys not given are kept. */
  set(partial: FaultOptions): void {
    this.opts = FaultBook.normalize({ ...this.opts, ...partial });
    this.bursts.clear();
  }

  /** The current options, with the remaining `times` of each scripted entry. */
  get current(): Required<FaultOptions> {
    return FaultBook.normalize(this.opts);
  }

  get latencyMs(): number {
    return this.opts.latencyMs;
  }

  get searchLagMs(): number {
    return this.opts.searchLagMs;
  }

  get searchCriteria(): SearchCriteriaMode {
    return this.opts.searchCriteria;
  }

  get unlistedApplications(): readonly string[] {
    return this.opts.unlistedApplications;
  }

  get maxPageItems(): number {
    return this.opts.maxPageItems;
  }

  /**
   * Draw the probabilistic faults for one call; one random draw per configured kind, in a fixed
   * order. A call inside a burst gets the burst's fault without a draw.
   */
  draw(operation: string): ProbabilisticFault | undefined {
    const o = this.opts;
    if (o.operations.length > 0 && !o.operations.includes(operation)) return undefined;
    const burst = this.bursts.get(operation);
    if (burst !== undefined) {
      if (--burst.left <= 0) this.bursts.delete(operation);
      return burst.fault;
    }
    const fault = this.drawOne();
    if (fault !== undefined && o.burstLength > 1) this.bursts.set(operation, { fault, left: o.burstLength - 1 });
    return fault;
  }

  private drawOne(): ProbabilisticFault | undefined {
    const o = this.opts;
    if (o.throttleRate > 0 && this.random() < o.throttleRate) return 'throttle';
    if (o.resetRate > 0 && this.random() < o.resetRate) return 'reset';
    if (o.errorRate > 0 && this.random() < o.errorRate) return 'error';
    if (o.hangRate > 0 && this.random() < o.hangRate) return 'hang';
    return undefined;
  }

  /** Whether a scripted hang takes this call of `operation`. */
  scriptedHang(operation: string): boolean {
    return take(this.opts.hangs, (f) => f.operation === operation) !== undefined;
  }

  /** Whether a page token of `operation` issued at `issuedAt` is refused as expired at `now`. */
  tokenExpired(operation: string, issuedAt: number | undefined, now: number): boolean {
    if (take(this.opts.expireTokens, (f) => f.operation === operation)) return true;
    return this.opts.tokenTtlMs > 0 && issuedAt !== undefined && now - issuedAt > this.opts.tokenTtlMs;
  }

  /**
   * The probabilistic faults of an STS call: drawn only when `operations` names the operation,
   * so that worlds of several accounts keep the fault sequence their seeds always had.
   */
  drawSts(operation: string): ProbabilisticFault | undefined {
    return this.opts.operations.includes(operation) ? this.draw(operation) : undefined;
  }

  scriptedError(service: ServiceName | 'sts', operation: string): ScriptedErrorFault | undefined {
    return take(this.opts.scriptedErrors, (f) => f.operation === operation && (f.service ?? service) === service);
  }

  failedListCode(operation: string, resourceArn: string): FailedListFault | undefined {
    return take(
      this.opts.failedList,
      (f) => f.resourceArn === resourceArn && (f.operation === undefined || f.operation === operation),
    );
  }

  deployOutcome(workspaceId: string, applicationId: string, phase: 'install' | 'uninstall'): DeployOutcomeFault | undefined {
    return take(
      this.opts.deployOutcomes,
      (f) =>
        f.applicationId === applicationId &&
        (f.workspaceId === undefined || f.workspaceId === workspaceId) &&
        (f.phase ?? 'install') === phase,
    );
  }
}

/** First entry matching with times left; consumes one. */
function take<T extends { times?: number }>(list: T[], match: (f: T) => boolean): T | undefined {
  for (const f of list) {
    if (f.times !== undefined && f.times <= 0) continue;
    if (!match(f)) continue;
    if (f.times !== undefined) f.times -= 1;
    return f;
  }
  return undefined;
}
