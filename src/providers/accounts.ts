/**
 * Credentials per account (DESIGN.md "Names, selectors and accounts", Accounts):
 *
 * - Each Account document's role is assumed with the SDK's own `fromTemporaryCredentials` (STS
 *   AssumeRole on top of the default chain; the STS client honours AWS_ENDPOINT_URL_STS).
 * - The credentials are cached per account and refreshed `refreshMarginMs` before they expire, on
 *   an injected clock: every client of the account (one per service and region) shares one
 *   AssumedRoleCredentials, so there is one AssumeRole per account per credential lifetime, never
 *   one per call. Concurrent callers of an expired cache share the one refresh.
 * - A role that cannot be assumed is an AccountCredentialsError (an AwsCallError: terminal for
 *   AccessDenied, a missing role or an expired source session; retryable for throttling and 5xx),
 *   thrown from the account's calls before anything is sent: it fails that account's targets only.
 *   A terminal refusal is remembered for `failureCooldownMs`, so a pass over 500 targets of a
 *   refused account makes one AssumeRole, not 500.
 * - The credentials themselves never leave this module except into the SDK's signer: nothing
 *   here logs, and the errors carry only the role, the STS code and its message.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AccountSpec } from '../model/desired.js';
import type { Clock } from '../reconciler/clock.js';
import { classifyAwsError, RetryableError, TerminalError, ThrottledError, type AwsCallError, type AwsCallErrorDetails } from './errors.js';
import type { Service } from './types.js';

type CredentialProvider = ReturnType<typeof fromTemporaryCredentials>;
export type Credentials = Awaited<ReturnType<CredentialProvider>>;
export type StsClientConfig = NonNullable<Parameters<typeof fromTemporaryCredentials>[0]['clientConfig']>;

export interface AssumedRoleOptions {
  /** Default systemClock (src/reconciler/clock.ts). */
  clock: Clock;
  /** Refresh this long before the credentials expire, ms. Default 300000 (the SDK's own window). */
  refreshMarginMs?: number;
  /** A terminal refusal is answered from memory for this long, ms. Default 60000. */
  failureCooldownMs?: number;
  /** Configuration of the STS client (region; in tests endpoint and base credentials). */
  stsConfig: StsClientConfig;
  /** STS DurationSeconds (900..43200). Default: STS's (3600). */
  durationSeconds?: number;
}

/** The role of an Account could not be assumed; its calls fail with this before being sent. */
export class AccountCredentialsError extends TerminalError {
  override name = 'AccountCredentialsError';
}
export class AccountCredentialsRetryable extends RetryableError {
  override name = 'AccountCredentialsRetryable';
}

/** One Account's assumed-role credentials, cached and refreshed before expiry. */
export class AssumedRoleCredentials {
  readonly account: AccountSpec;
  private readonly provider: CredentialProvider;
  private current: Credentials | undefined;
  private refreshing: Promise<Credentials> | undefined;
  private failure: { error: AwsCallError; until: number } | undefined;
  /** AssumeRole calls made (tests, metrics). */
  assumeRoleCalls = 0;

  constructor(account: AccountSpec, private readonly o: AssumedRoleOptions) {
    this.account = account;
    this.provider = fromTemporaryCredentials({
      params: {
        RoleArn: account.roleArn,
        RoleSessionName: account.sessionName,
        ...(account.externalId !== undefined ? { ExternalId: account.externalId } : {}),
        ...(o.durationSeconds !== undefined ? { DurationSeconds: o.durationSeconds } : {}),
      },
      clientConfig: o.stsConfig,
    });
  }

  /**
   * Credentials for a call of `service` in `region` (named in errors). Cached ones while they are
   * more than refreshMarginMs from expiry; else one AssumeRole shared by every caller.
   */
  async get(service: Service, region: string): Promise<Credentials> {
    const now = this.o.clock.now();
    if (this.current && !this.stale(this.current, now)) return this.current;
    if (this.failure && now < this.failure.until) throw this.failure.error;
    this.refreshing ??= this.refresh(service, region).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private stale(c: Credentials, now: number): boolean {
    if (!c.expiration) return false;
    return c.expiration.getTime() - now <= (this.o.refreshMarginMs ?? 300_000);
  }

  private async refresh(service: Service, region: string): Promise<Credentials> {
    this.assumeRoleCalls++;
    try {
      const c = await this.provider();
      this.current = c;
      this.failure = undefined;
      return c;
    } catch (err) {
      const error = assumeRoleError(err, this.account, service, region);
      if (error.kind === 'terminal') this.failure = { error, until: this.o.clock.now() + (this.o.failureCooldownMs ?? 60_000) };
      throw error;
    }
  }
}

/** An STS refusal as an AwsCallError of the call it stopped, naming the role and the account. */
function assumeRoleError(err: unknown, account: AccountSpec, service: Service, region: string): AwsCallError {
  const c = classifyAwsError(err, { service, region, operation: 'AssumeRole', account: account.id });
  const details: AwsCallErrorDetails = {
    service,
    region,
    operation: 'AssumeRole',
    account: account.id,
    code: c.code,
    awsMessage: `cannot assume ${account.roleArn} for Account '${account.name}': ${c.awsMessage}`,
    ...(c.requestId !== undefined ? { requestId: c.requestId } : {}),
    ...(c.httpStatus !== undefined ? { httpStatus: c.httpStatus } : {}),
  };
  // Throttled and transient STS answers are retried with the target (the STS client already retried them).
  if (c instanceof ThrottledError || c instanceof RetryableError) return new AccountCredentialsRetryable(details, { cause: err });
  return new AccountCredentialsError(details, { cause: err });
}

/**
 * The account of the default credentials, learnt once with GetCallerIdentity (no permission is
 * needed for it). A failure is not remembered: the next caller asks again.
 */
export class CallerIdentity {
  private known: Promise<string> | undefined;
  constructor(private readonly stsConfig: () => StsClientConfig) {}

  accountId(): Promise<string> {
    this.known ??= this.ask().catch((err: unknown) => {
      this.known = undefined;
      throw err;
    });
    return this.known;
  }

  private async ask(): Promise<string> {
    const sts = new STSClient(this.stsConfig());
    try {
      const r = await sts.send(new GetCallerIdentityCommand({}));
      if (!r.Account || !/^[0-9]{12}$/.test(r.Account)) throw new Error(`GetCallerIdentity answered no account id (${JSON.stringify(r.Account)})`);
      return r.Account;
    } catch (err) {
      throw classifyAwsError(err, { service: 'connect', region: String(await sts.config.region()), operation: 'GetCallerIdentity' });
    } finally {
      sts.destroy();
    }
  }
}
