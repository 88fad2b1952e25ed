/**
 * AWS STS on its real wire protocol (awsQuery, aws-api.md §8.2): a form-encoded POST with
 * `Action` and `Version`, XML answers and XML errors (`<ErrorResponse><Error><Type/><Code/>
 * <Message/></Error><RequestId/></ErrorResponse>`), which the SDK's query deserializer parses.
 * Two actions: GetCallerIdentity, and AssumeRole, which issues temporary credentials (ASIA… key,
 * secret, session token, expiry on the sandbox clock) that act in the role's account: requests
 * signed with them land in that account's world (World.identify).
 *
 * AssumeRole refuses, as AWS does, with AccessDenied: a role that does not exist, a trust policy
 * that does not name the caller's account, an external id that does not match; with
 * ValidationError: a malformed RoleArn, RoleSessionName or DurationSeconds. Credentials live
 * DurationSeconds (default 3600), or the seed's `sts.sessionSeconds` when that is shorter.
 */
import { randomBytes } from 'node:crypto';
import { SESSION_KEY_PREFIX, type Caller, type World } from './world.js';

export const STS_VERSION = '2011-06-15';
const XMLNS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

/** The sandbox's STS settings (seed `sts:`). */
export interface StsOptions {
  /** Issued credentials expire after at most this many seconds (sandbox clock). Default: as requested. */
  sessionSeconds?: number;
}

/** An STS error answer, in its XML shape. */
export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** STS error codes a scripted fault may answer with, and the HTTP status AWS gives each. */
export const STS_ERROR_STATUS: Readonly<Record<string, number>> = {
  Throttling: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  AccessDenied: 403,
  RegionDisabledException: 403,
  ExpiredToken: 400,
  InvalidClientTokenId: 403,
  MalformedPolicyDocument: 400,
  PackedPolicyTooLarge: 400,
};

/** A scripted STS error: the status AWS gives its code; 5xx are the server's fault (Receiver). */
export function stsFault(code: string, message: string): StsError {
  const status = STS_ERROR_STATUS[code] ?? 400;
  return new StsError(code, message, status, status >= 500 ? 'Receiver' : 'Sender');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function stsErrorXml(e: StsError, requestId: string): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.type}</Type><Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** Refusal of the caller's own credentials, as STS words it. */
export function callerRefused(reason: Extract<Caller, { ok: false }>['reason']): StsError {
  if (reason === 'expired') return new StsError('ExpiredToken', 'The security token included in the request is expired', 400);
  return new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
}

const ROLE_ARN = /^arn:aws[-a-z]*:iam::([0-9]{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function token(bytes: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'): string {
  return [...randomBytes(bytes)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Answers one STS request; the caller is already identified. Returns the XML body (HTTP 200). */
export function handleSts(
  action: string,
  params: URLSearchParams,
  caller: Extract<Caller, { ok: true }>,
  world: World,
  now: number,
  o: StsOptions,
  requestId: string,
): string {
  if (params.get('Version') !== STS_VERSION) throw new StsError('InvalidParameterValue', `Unsupported Version ${params.get('Version') ?? '(none)'}; expected ${STS_VERSION}`, 400);
  if (action === 'GetCallerIdentity') {
    return `<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult><Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.userId)}</UserId><Account>${caller.account.id}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
  if (action !== 'AssumeRole') throw new StsError('InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`, 400);
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  const externalId = params.get('ExternalId');
  const durationText = params.get('DurationSeconds');
  const m = ROLE_ARN.exec(roleArn);
  if (roleArn.length < 20 || !m) throw new StsError('ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a valid IAM role ARN`, 400);
  if (!SESSION_NAME.test(sessionName)) throw new StsError('ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2..64`, 400);
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) throw new StsError('ValidationError', `1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]* and length 2..1224`, 400);
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) throw new StsError('ValidationError', `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`, 400);
  const [, accountId, roleName] = m;
  // AWS says the same for a role that does not exist and one that does not trust the caller.
  const denied = new StsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  const account = world.accounts.find((a) => a.id === accountId);
  const role = account?.roles?.get(roleName!);
  if (!account || !role || !role.trust.includes(caller.account.id)) throw denied;
  if (role.externalId !== undefined && externalId !== role.externalId) throw denied;
  const seconds = o.sessionSeconds !== undefined ? Math.min(o.sessionSeconds, duration) : duration;
  const secret = token(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
  const session = {
    accessKeyId: `${SESSION_KEY_PREFIX}${token(16)}`,
    secretAccessKey: secret,
    sessionToken: token(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
    account,
    roleName: role.name,
    sessionName,
    expiresAt: now + seconds * 1000,
  };
  world.sessions.set(session.accessKeyId, session);
  const expiration = new Date(session.expiresAt).toISOString();
  const arn = `arn:aws:sts::${account.id}:assumed-role/${role.name}/${sessionName}`;
  return (
    `<AssumeRoleResponse xmlns="${XMLNS}"><AssumeRoleResult>` +
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey><SessionToken>${xmlEscape(session.sessionToken)}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    `<AssumedRoleUser><Arn>${xmlEscape(arn)}</Arn><AssumedRoleId>AROA${account.id}:${xmlEscape(sessionName)}</AssumedRoleId></AssumedRoleUser>` +
    `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`
  );
}
