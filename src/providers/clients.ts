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

type RetryErrorInfo = Parameters<ConfiguredRetryStrategy['refreshRetryTokenForRetry']>[1];
type RetryToken = Parameters<ConfiguredRetryStrategy['refreshRetryTokenForRetry']>[0];

/** The SDK's standard strategy, except that throttling is handed back to the caller at once. */
export class ReconcilerRetryStrategy extends ConfiguredRetryStrategy {
  override async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo) {
    if (errorInfo.errorType === 'THROTTLING') throw new Error('throttling is retried by the rate limiter');
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

export interface ClientFactoryOptions {
  /** Attempts per call for transient errors, the first included. Default AWS_MAX_ATTEMPTS, else 3 (the SDK's). */
  maxAttempts?: number;
  /** Backoff before retry n (1-based) of a transient error, ms. Default: full jitter up to 50 ms × 2^n (the SDK's base). */
  transientBackoffMs?: (attempt: number) => number;
  /** Extra client configuration (tests: endpoint and static credentials). Default none. */
  overrides?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
}

export class ClientFactory {
  private readonly connectClients = new Map<string, ConnectClient>();
  private readonly workspacesClients = new Map<string, WorkSpacesClient>();

  private readonly options: ClientFactoryOptions;

  constructor(options: ClientFactoryOptions = {}) {
    // The SDK's own AWS_MAX_ATTEMPTS is honoured, as a user of any AWS tool would expect.
    const fromEnv = process.env.AWS_MAX_ATTEMPTS ? Number(process.env.AWS_MAX_ATTEMPTS) : undefined;
    this.options = { ...options, maxAttempts: options.maxAttempts ?? fromEnv };
    const n = this.options.maxAttempts ?? 3;
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`Expected \`maxAttempts\` to be an integer >= 1, got ${n}`);
  }

  connect(region: string): ConnectClient {
    let client = this.connectClients.get(region);
    if (!client) {
      client = new ConnectClient({ region, retryStrategy: this.retryStrategy(), ...this.options.overrides });
      this.connectClients.set(region, client);
    }
    return client;
  }

  workspaces(region: string): WorkSpacesClient {
    let client = this.workspacesClients.get(region);
    if (!client) {
      client = new WorkSpacesClient({ region, retryStrategy: this.retryStrategy(), ...this.options.overrides });
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

  private retryStrategy(): ReconcilerRetryStrategy {
    const backoff = this.options.transientBackoffMs ?? ((n: number) => Math.floor(Math.random() * 50 * 2 ** n));
    return new ReconcilerRetryStrategy(this.options.maxAttempts ?? 3, backoff);
  }
}

/**
 * The region for documents without `spec.region`: `--region`, else the SDK's default chain
 * (AWS_REGION, AWS_DEFAULT_REGION, the profile's region). Undefined when none is configured.
 */
export async function resolveDefaultRegion(explicit?: string): Promise<string | undefined> {
  if (explicit) return explicit;
  const probe = new ConnectClient({});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}
