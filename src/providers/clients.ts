/**
 * AWS SDK clients, built once per service and region for the process's one set of credentials
 * (the SDK's default chain: env, profile, SSO, IMDS/IRSA). Endpoints come from the same chain,
 * so AWS_ENDPOINT_URL_CONNECT / AWS_ENDPOINT_URL_WORKSPACES point the tool at the sandbox.
 *
 * Retries: how the SDK's retries and ours combine, so throttling never becomes a retry storm.
 * - The SDK retries *transient* failures (5xx, connection resets, timeouts) itself, up to
 *   `maxAttempts` with its short jittered backoff: it resends the same request, which is the
 *   cheapest fix for a dropped connection and needs no new observation.
 * - The SDK does *not* retry throttling here (ReconcilerRetryStrategy refuses it). A throttled
 *   answer goes straight back to our rate limiter, which pauses the whole queue for that
 *   service/region/operation and then resends. With the SDK's default, every throttled call of
 *   every concurrent worker would sleep and retry on its own, blind to the others, stacking up to
 *   3× the load on a quota that is already exhausted; one limiter per queue sees them all.
 * - Anything still failing comes back to the work queue as a RetryableError, which requeues the
 *   target with capped exponential backoff: the outermost, slowest loop.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';

type RetryErrorInfo = Parameters<ConfiguredRetryStrategy['refreshRetryTokenForRetry']>[1];
type RetryToken = Parameters<ConfiguredRetryStrategy['refreshRetryTokenForRetry']>[0];

/** The SDK's standard strategy, except that throttling is handed back to the caller at once. */
export class ReconcilerRetryStrategy extends ConfiguredRetryStrategy {
  override async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo) {
    if (errorInfo.errorType === 'THROTTLING') throw new Error('throttling is retried by the rate limiter');
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

/**
 * The AWS configuration in the environment is unusable (a bad AWS_MAX_ATTEMPTS or AWS_REGION):
 * something the operator must fix, reported as one line (the CLI maps it to exit 1).
 */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}

/** The form of every AWS region name (us-east-1, eu-west-2, us-gov-west-1, ap-southeast-4). */
const REGION = /^[a-z]{2}(-[a-z]+){1,2}-\d$/;

/** AWS_MAX_ATTEMPTS as the SDK reads it; undefined when unset or empty. */
function maxAttemptsFromEnv(): number | undefined {
  const raw = process.env.AWS_MAX_ATTEMPTS;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    throw new ClientConfigError(`AWS_MAX_ATTEMPTS must be a whole number >= 1, got '${raw}'`);
  }
  return Number(raw);
}

export interface ClientFactoryOptions {
  /** Attempts per call for transient errors, the first included. Default AWS_MAX_ATTEMPTS, else 3 (the SDK's). */
  maxAttempts?: number;
  /** Backoff before retry n (1-based) of a transient error, ms. Default: full jitter up to 50 ms × 2^n (the SDK's base). */
  transientBackoffMs?: (attempt: number) => number;
  /**
   * Deadline of each attempt, ms: an endpoint that accepts the connection and never answers fails
   * the attempt (TimeoutError, retryable) instead of hanging the caller. Default 30000.
   */
  callTimeoutMs?: number;
  /** Deadline for establishing the TCP (and TLS) connection, ms. Default min(5000, callTimeoutMs). */
  connectTimeoutMs?: number;
  /** Extra client configuration (tests: endpoint and static credentials). Default none. */
  overrides?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
}

export class ClientFactory {
  private readonly connectClients = new Map<string, ConnectClient>();
  private readonly workspacesClients = new Map<string, WorkSpacesClient>();

  private readonly options: ClientFactoryOptions;

  constructor(options: ClientFactoryOptions = {}) {
    // The SDK's own AWS_MAX_ATTEMPTS is honoured, as a user of any AWS tool would expect; an
    // unusable value is the operator's to fix (ClientConfigError), not a programming error.
    this.options = { ...options, maxAttempts: options.maxAttempts ?? maxAttemptsFromEnv() };
    for (const k of ['callTimeoutMs', 'connectTimeoutMs'] as const) {
      const v = this.options[k];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new TypeError(`Expected \`${k}\` to be a number > 0, got ${v}`);
    }
    const n = this.options.maxAttempts ?? 3;
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`Expected \`maxAttempts\` to be an integer >= 1, got ${n}`);
  }

  connect(region: string): ConnectClient {
    let client = this.connectClients.get(region);
    if (!client) {
      client = new ConnectClient({ region, retryStrategy: this.retryStrategy(), requestHandler: this.handler(), ...this.options.overrides });
      this.connectClients.set(region, client);
    }
    return client;
  }

  workspaces(region: string): WorkSpacesClient {
    let client = this.workspacesClients.get(region);
    if (!client) {
      client = new WorkSpacesClient({ region, retryStrategy: this.retryStrategy(), requestHandler: this.handler(), ...this.options.overrides });
      this.workspacesClients.set(region, client);
    }
    return client;
  }

  /** Close every client's sockets. */
  destroy(): void {
    for (const c of this.connectClients.values()) c.destroy();
    for (const c of this.workspacesClients.values()) c.destroy();
    this.connectClients.clear();
    this.workspacesClients.clear();
  }

  /**
   * Every attempt is bounded: `requestTimeout` with `throwOnRequestTimeout` makes the SDK fail
   * the attempt (and destroy its socket) when no answer came in time, rather than only logging
   * a warning; `connectionTimeout` bounds the connect.
   */
  private handler(): NodeHttpHandler {
    const call = this.options.callTimeoutMs ?? 30_000;
    return new NodeHttpHandler({
      requestTimeout: call,
      connectionTimeout: this.options.connectTimeoutMs ?? Math.min(5000, call),
      // requestTimeout stops counting once headers arrive: a body that stalls is bounded too.
      socketTimeout: call,
      throwOnRequestTimeout: true,
    });
  }

  private retryStrategy(): ReconcilerRetryStrategy {
    const backoff = this.options.transientBackoffMs ?? ((n: number) => Math.floor(Math.random() * 50 * 2 ** n));
    return new ReconcilerRetryStrategy(this.options.maxAttempts ?? 3, backoff);
  }
}

/**
 * The region for documents without `spec.region`: `--region`, else the SDK's default chain, which
 * in the JS SDK v3 is AWS_REGION, then the `region` of the profile (AWS_PROFILE, else default) in
 * the AWS config file. (AWS_DEFAULT_REGION is the AWS CLI's variable; the JS SDK ignores it.)
 * Undefined when none is configured. A configured value that is not a region name is a
 * ClientConfigError naming where it came from: otherwise the operator, who did set AWS_REGION,
 * would later be told to set it. (A profile region the SDK itself refuses, e.g. one with spaces,
 * reads as none: the SDK does not say which setting it refused.)
 */
export async function resolveDefaultRegion(explicit?: string): Promise<string | undefined> {
  if (explicit) return explicit;
  // The SDK refuses some bad values itself but accepts any hostname label ("useast1"): check first.
  const env = process.env.AWS_REGION;
  if (env !== undefined && env !== '') return validRegion(env, `AWS_REGION '${env}'`);
  const probe = new ConnectClient({});
  let region: string;
  try {
    region = await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
  return region === '' ? undefined : validRegion(region, `the region '${region}' of AWS profile '${process.env.AWS_PROFILE || 'default'}'`);
}

/** `what`: the setting as the operator wrote it, e.g. "AWS_REGION 'us east 1'". */
function validRegion(region: string, what: string): string {
  if (!REGION.test(region)) throw new ClientConfigError(`${what} is not a valid region (expected a name such as us-east-1)`);
  return region;
}
