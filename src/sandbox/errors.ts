/**
 * Errors the sandbox answers with (ApiError, written on the wire per aws-api.md §4.1/§4.2) and errors
 * it throws at its user (bad options, bad seed).
 */

export type ServiceName = 'connect' | 'workspaces';

/** Connect's modeled HTTP status per error code (aws-api.md §2); anything else is 400. */
const CONNECT_STATUS: Record<string, number> = {
  InvalidRequestException: 400,
  InvalidParameterException: 400,
  SerializationException: 400,
  AccessDeniedException: 403,
  MissingAuthenticationTokenException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  DuplicateResourceException: 409,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  LimitExceededException: 429,
  TooManyRequestsException: 429,
  InternalServiceException: 500,
};

/** WorkSpaces answers every error with 400 (aws-api.md §3) except server faults. */
const WORKSPACES_STATUS: Record<string, number> = { InternalServerException: 500 };

/** WorkSpaces shapes without a `message` member: the body carries `__type` only. */
const WORKSPACES_NO_MESSAGE = new Set([
  'ComputeNotCompatibleException',
  'OperatingSystemNotCompatibleException',
  'ApplicationNotSupportedException',
  'IncompatibleApplicationsException',
]);

/** An AWS error answer. Handlers throw it; the server writes it in the service's wire format. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly service: ServiceName,
    readonly code: string,
    message: string,
    /** Extra modeled members (WorkSpaces `ResourceId`, `reason`). */
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get status(): number {
    const table = this.service === 'connect' ? CONNECT_STATUS : WORKSPACES_STATUS;
    return table[this.code] ?? 400;
  }

  /** Headers and body exactly as the SDK's error deserializer expects them. */
  wire(): { status: number; headers: Record<string, string>; body: string } {
    if (this.service === 'connect') {
      return {
        status: this.status,
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': this.code },
        body: JSON.stringify({ Message: this.message }),
      };
    }
    const body: Record<string, unknown> = { __type: this.code };
    if (!WORKSPACES_NO_MESSAGE.has(this.code)) body.message = this.message;
    Object.assign(body, this.members);
    return {
      status: this.status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(body),
    };
  }
}

export function connectError(code: string, message: string): ApiError {
  return new ApiError('connect', code, message);
}

export function workspacesError(code: string, message: string, members: Record<string, unknown> = {}): ApiError {
  return new ApiError('workspaces', code, message, members);
}

/** The modeled error codes a scripted error may use, per service (used to validate fault scripts). */
export const MODELED_ERRORS: Record<ServiceName, readonly string[]> = {
  connect: Object.keys(CONNECT_STATUS),
  workspaces: [
    'AccessDeniedException',
    'InvalidParameterValuesException',
    'OperationNotSupportedException',
    'ResourceAlreadyExistsException',
    'ResourceInUseException',
    'ResourceNotFoundException',
    'ResourceUnavailableException',
    'ComputeNotCompatibleException',
    'OperatingSystemNotCompatibleException',
    'ApplicationNotSupportedException',
    'IncompatibleApplicationsException',
    'InternalServerException',
    'ThrottlingException',
    'ValidationException',
    'ConflictException',
    'InvalidResourceStateException',
    'OperationInProgressException',
    'ResourceLimitExceededException',
  ],
};

/** A bad option value given to startSandbox or the CLI. */
export class SandboxOptionError extends Error {
  override readonly name = 'SandboxOptionError';
}

/** A seed (or fault file) that does not follow SEED.md; `problems` lists every violation with its path. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid seed ${source}:\n  ${problems.join('\n  ')}`);
  }
}
