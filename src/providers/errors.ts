/**
 * Every AWS error is classified once, where AWS answers, into one of three kinds, by error
 * class name / code and HTTP status, never by message text:
 *
 *   throttled  → not an item failure: the rate limiter slows that queue and tries again
 *   retryable  → transient: the work queue requeues the target with backoff
 *   terminal   → retrying cannot help: reported, not retried until the desired state changes
 */
import type { CallInfo } from './types.js';

/**
 * Thrown from inside a gated call instead of sending it, when its precondition no longer holds
 * (a removal the desired state stopped calling for). It never reached AWS: the rate limiter passes
 * it through unrecorded, and the provider turns it into `skipped` items.
 */
export class NotSent extends Error {
  override name = 'NotSent';
}

/**
 * A mutating call attempted by a process that was started observe-only (`run --observe-only`):
 * a bug in the caller, never an AWS answer. The rate limiter throws it instead of sending the
 * call; it is not an AwsCallError, so nothing classifies it as retryable or terminal, and the
 * reconcile loop reports it as an unexpected failure.
 */
export class ObserveOnlyViolation extends Error {
  override name = 'ObserveOnlyViolation';
  readonly service: CallInfo['service'];
  readonly operation: string;
  readonly targetKey?: string;

  constructor(info: CallInfo) {
    super(`bug: ${info.service}:${info.operation}${info.targetKey ? ` for ${info.targetKey}` : ''} is a mutating call and this process is observe-only; refused, not sent`);
    this.service = info.service;
    this.operation = info.operation;
    this.targetKey = info.targetKey;
  }
}

export type ErrorKind = 'throttled' | 'retryable' | 'terminal';

export interface AwsCallErrorDetails extends CallInfo {
  code: string;
  awsMessage: string;
  requestId?: string;
  httpStatus?: number;
  /** Attempts the SDK made (its own transient retries included). */
  attempts?: number;
}

export class AwsCallError extends Error {
  readonly kind: ErrorKind = 'terminal';
  readonly code: string;
  readonly service: CallInfo['service'];
  readonly operation: string;
  readonly region: string;
  readonly targetKey?: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  readonly attempts?: number;
  readonly awsMessage: string;

  constructor(d: AwsCallErrorDetails, options?: { cause?: unknown }) {
    const where = d.targetKey ? ` for ${d.targetKey}` : '';
    super(`${d.operation}${where} failed: ${d.code}: ${d.awsMessage}`, options);
    this.code = d.code;
    this.service = d.service;
    this.operation = d.operation;
    this.region = d.region;
    this.targetKey = d.targetKey;
    this.requestId = d.requestId;
    this.httpStatus = d.httpStatus;
    this.attempts = d.attempts;
    this.awsMessage = d.awsMessage;
  }
}

export class ThrottledError extends AwsCallError {
  override readonly kind = 'throttled';
  override name = 'ThrottledError';
}

export class RetryableError extends AwsCallError {
  override readonly kind = 'retryable';
  override name = 'RetryableError';
}

export class TerminalError extends AwsCallError {
  override readonly kind = 'terminal';
  override name = 'TerminalError';
}

/**
 * A mutating call refused before it was sent because this replica does not hold (or can no
 * longer vouch for) the lease of the call's shard: another replica may own it now. Retryable for
 * the target, and never an AWS answer (the rate limiter reports it as 'fenced').
 */
export class LeaseNotHeldError extends RetryableError {
  override name = 'LeaseNotHeldError';
}

/** The SDK's throttling codes (aws-api.md §4.3); any HTTP 429 also counts. */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled',
  'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException',
  'TooManyRequestsException', 'TransactionInProgressException',
]);

/**
 * Codes that mean "not now": an operation is in flight on the resource (a WorkSpaces deployment
 * is running), or the service hiccupped. They clear by themselves, so backoff and retry.
 */
const RETRYABLE_CODES = new Set([
  'ResourceInUseException', 'ResourceUnavailableException', 'OperationInProgressException',
  'InvalidResourceStateException', 'ConflictException', 'InternalServiceException',
  'InternalServerException', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException',
]);

/** Node socket errors (the SDK already retried them; if they persist, back off and retry). */
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

/**
 * Answers that mean "the resource is busy" (a deployment in flight, a conflicting change): AWS
 * is answering, so they never count as an outage, and they are retried at the poll interval, as
 * an in-flight state is, not with a growing backoff.
 */
export const BUSY_CODES: ReadonlySet<string> = new Set(['ResourceInUseException', 'ConflictException', 'OperationInProgressException', 'InvalidResourceStateException']);

export function isBusy(e: AwsCallError): boolean {
  return e.kind === 'retryable' && BUSY_CODES.has(e.code);
}

export function classifyAwsError(err: unknown, info: CallInfo): AwsCallError {
  if (err instanceof AwsCallError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const nodeCode = typeof e.code === 'string' ? e.code : undefined;
  const code = nodeCode && NETWORK_CODES.has(nodeCode) ? nodeCode : (e.name ?? 'UnknownError');
  const details: AwsCallErrorDetails = {
    ...info,
    code,
    awsMessage: e.message || String(err),
    requestId: e.$metadata?.requestId,
    httpStatus: status,
    attempts: e.$metadata?.attempts,
  };
  if (THROTTLING_CODES.has(code) || status === 429) return new ThrottledError(details, { cause: err });
  if (RETRYABLE_CODES.has(code) || NETWORK_CODES.has(code) || (status !== undefined && status >= 500)) {
    return new RetryableError(details, { cause: err });
  }
  return new TerminalError(details, { cause: err });
}

/**
 * A FailedList entry of AssociateWorkspace / DisassociateWorkspace (a 3-digit HTTP-like code).
 * 429 and 5xx are retried; 400, 403, 404 and anything else unknown are terminal for that ARN.
 * (409 on associate and 404 on disassociate mean "already so" and never reach here.)
 */
export function isRetryableItemCode(code: string): boolean {
  return code === '429' || /^5\d\d$/.test(code);
}
