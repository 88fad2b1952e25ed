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
import type { AccountSpec } from '../model/desired.js';
import { DEFAULT_ACCOUNT } from '../model/desired.js';
import { systemClock, type Clock } from '../reconciler/clock.js';
import { AssumedRoleCredentials, CallerIdentity, type StsClientConfig } from './accounts.js';
import type { Service } from './types.js';
import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { isMutatingOperation } from './operations.js';
import { VERSION } from '../version.js';

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

/** Connections per endpoint host of the shared pool; calls beyond wait for one, within their deadline. */
const SOCKETS_PER_HOST = 256;

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
  /**
   * Called right before every attempt of every mutating call (SDK retries included), after
   * signing, as the last step before the request is written: throwing refuses the attempt (not
   * retried by the SDK); the function it returns is called when the attempt is over. Coordination
   * checks the shard's lease here. Default none.
   */
  fence?: Fence;
  /** Appended to the User-Agent of every call after `workspace-reconciler/<version>`, e.g. [['replica', 'pod-a']] (the sandbox records it). Default none. */
  userAgent?: [string, string][];
  /** Extra client configuration (tests: endpoint and static credentials, also used for STS). Default none. */
  overrides?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } };
  /** Accounts: the clock of credential expiry. Default systemClock. */
  clock?: Clock;
  /** Accounts: refresh assumed-role credentials this long before they expire, ms. Default 300000. */
  refreshMarginMs?: number;
  /** Accounts: region of the STS client (AssumeRole, GetCallerIdentity). Default AWS_REGION, else us-east-1. */
  stsRegion?: string;
}

/** See ClientFactoryOptions.fence. */
export type Fence = (call: { service: Service; account: string; region: string; operation: string }) => () => void;

/**
 * Installs `fence` on a client: after the signing middleware (itself inside the retry loop), so it
 * runs once per attempt, after anything slow (credentials, signing) and just before the wire.
 */
function installFence(client: ConnectClient | WorkSpacesClient, service: Service, account: string, region: string, fence: Fence): void {
  // One middleware for both clients: its types differ only in each client's input and output unions.
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const operation = String(context.commandName ?? '').replace(/Command$/, '');
    if (!isMutatingOperation({ service, operation })) return next(args); // the one table; unknown ones are fenced
    const done = fence({ service, account, region, operation });
    try {
      return await next(args);
    } finally {
      done();
    }
  };
  (client.middlewareStack as ConnectClient['middlewareStack']).addRelativeTo(middleware as never, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'leaseFenceMiddleware', override: true });
}

export class ClientFactory {
  /** Clients by `<account>|<region>`: one per service, account and region. */
  private readonly connectClients = new Map<string, ConnectClient>();
  private readonly workspacesClients = new Map<string, WorkSpacesClient>();
  /** Assumed-role credentials by account id, for the Account documents of the desired state. */
  private readonly assumed = new Map<string, AssumedRoleCredentials>();
  private readonly identity: CallerIdentity;

  private readonly options: ClientFactoryOptions;
  /**
   * One HTTP handler for every client of the factory (every service, account and region, and
   * STS): one keep-alive connection pool per endpoint, so a hundred accounts in one region share
   * their connections (and TLS sessions) instead of opening their own. Requests are signed one by
   * one; a connection carries no credentials. Measured (`npm run bench -- accounts`, 100
   * accounts): CPU per call 1.08 → 0.99 ms over loopback, before any TLS.
   */
  private shared?: NodeHttpHandler;
  private destroyShared?: () => void;

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
    this.identity = new CallerIdentity(() => this.stsConfig());
  }

  /**
   * The Account documents of the desired state: calls of their accounts are signed with the
   * assumed role's credentials. An account whose role is unchanged keeps its cached credentials
   * and clients (a daemon reload does not assume every role again); the clients of an account
   * that is gone or whose role changed are closed.
   */
  setAccounts(accounts: readonly AccountSpec[]): void {
    const next = new Map(accounts.map((a) => [a.id, a]));
    for (const [id, creds] of this.assumed) {
      const a = next.get(id);
      if (a && a.roleArn === creds.account.roleArn && a.externalId === creds.account.externalId && a.sessionName === creds.account.sessionName) continue;
      this.assumed.delete(id);
      this.dropClients(id);
    }
    for (const a of accounts) {
      if (this.assumed.has(a.id)) continue;
      this.assumed.set(a.id, new AssumedRoleCredentials(a, {
        clock: this.options.clock ?? systemClock,
        ...(this.options.refreshMarginMs !== undefined ? { refreshMarginMs: this.options.refreshMarginMs } : {}),
        stsConfig: this.stsConfig(),
      }));
    }
  }

  /** The assumed-role credentials of an account, when an Account document names it. */
  assumedRole(account: string): AssumedRoleCredentials | undefined {
    return this.assumed.get(account);
  }

  /** The account id of the default credentials (GetCallerIdentity, once). */
  defaultAccountId(): Promise<string> {
    return this.identity.accountId();
  }

  /** The Connect client of an account (default: the default credentials) and region. */
  connect(region: string, account: string = DEFAULT_ACCOUNT): ConnectClient {
    return this.client(this.connectClients, ConnectClient, 'connect', region, account);
  }

  workspaces(region: string, account: string = DEFAULT_ACCOUNT): WorkSpacesClient {
    return this.client(this.workspacesClients, WorkSpacesClient, 'workspaces', region, account);
  }

  /** One client per service, account and region, made once: its signer, fence and trimmed middleware. */
  private client<C extends ConnectClient | WorkSpacesClient>(
    clients: Map<string, C>,
    Client: new (config: NonNullable<ConstructorParameters<typeof ConnectClient>[0]> & NonNullable<ConstructorParameters<typeof WorkSpacesClient>[0]>) => C,
    service: Service,
    region: string,
    account: string,
  ): C {
    const key = `${account}|${region}`;
    let client = clients.get(key);
    if (!client) {
      const signer = oneSigner(() => made);
      const made: C = new Client({ region, retryStrategy: this.retryStrategy(), requestHandler: this.handler(), cacheMiddleware: true, signer, customUserAgent: this.userAgent(), ...this.options.overrides, ...this.credentials(service, account, region) });
      client = made;
      if (this.options.fence) installFence(client, service, account, region, this.options.fence);
      trimSdkMiddleware(client);
      clients.set(key, client);
    }
    return client;
  }

  /** Close every client's sockets. */
  destroy(): void {
    for (const c of this.connectClients.values()) c.destroy();
    for (const c of this.workspacesClients.values()) c.destroy();
    this.connectClients.clear();
    this.workspacesClients.clear();
    this.destroyShared?.();
    this.shared = undefined;
    this.destroyShared = undefined;
  }

  /** The assumed role's credentials for an account with an Account document; else the default ones. */
  private credentials(service: Service, account: string, region: string): { credentials?: () => ReturnType<AssumedRoleCredentials['get']> } {
    const assumed = this.assumed.get(account);
    // Looked up per call, so that a reload that changes the role reaches clients made before it.
    return assumed ? { credentials: () => (this.assumed.get(account) ?? assumed).get(service, region) } : {};
  }

  private dropClients(account: string): void {
    for (const map of [this.connectClients, this.workspacesClients] as Map<string, { destroy(): void }>[]) {
      for (const [key, c] of map) {
        if (!key.startsWith(`${account}|`)) continue;
        c.destroy();
        map.delete(key);
      }
    }
  }

  /**
   * STS: AWS_ENDPOINT_URL_STS is honoured by the SDK's own endpoint resolution; in tests the
   * overrides' endpoint and base credentials serve STS too (the sandbox answers all three).
   */
  private stsConfig(): StsClientConfig {
    const region = this.options.stsRegion ?? (process.env.AWS_REGION || 'us-east-1');
    return { region, requestHandler: this.handler(), retryStrategy: this.retryStrategy(), ...this.options.overrides };
  }

  /**
   * Every attempt is bounded: `requestTimeout` with `throwOnRequestTimeout` makes the SDK fail
   * the attempt (and destroy its socket) when no answer came in time, rather than only logging
   * a warning; `connectionTimeout` bounds the connect.
   */
  private handler(): NodeHttpHandler {
    if (this.shared) return this.shared;
    const call = this.options.callTimeoutMs ?? 30_000;
    const handler = new NodeHttpHandler({
      requestTimeout: call,
      connectionTimeout: this.options.connectTimeoutMs ?? Math.min(5000, call),
      // requestTimeout stops counting once headers arrive: a body that stalls is bounded too.
      socketTimeout: call,
      throwOnRequestTimeout: true,
      // Shared by every client: the rate limiter, not the pool, bounds the calls in flight.
      httpAgent: { maxSockets: SOCKETS_PER_HOST },
      httpsAgent: { maxSockets: SOCKETS_PER_HOST },
    });
    // A client's destroy() (an account dropped on reload) must not close the others' connections:
    // the factory's own destroy() closes them.
    this.destroyShared = handler.destroy.bind(handler);
    handler.destroy = () => undefined;
    return (this.shared = handler);
  }

  /**
   * This tool and its version first, then the configured sections (`replica/pod-a`): CloudTrail
   * records the User-Agent of every call, so an operator can tell this tool's calls from others'.
   */
  private userAgent(): [string, string][] {
    return [['workspace-reconciler', VERSION], ...(this.options.userAgent ?? [])];
  }

  private retryStrategy(): ReconcilerRetryStrategy {
    const backoff = this.options.transientBackoffMs ?? ((n: number) => Math.floor(Math.random() * 50 * 2 ** n));
    return new ReconcilerRetryStrategy(this.options.maxAttempts ?? 3, backoff);
  }
}

/** What oneSigner needs of a client's resolved configuration. */
interface SigningConfig {
  credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256'];
  region: () => Promise<string>;
  signingEscapePath?: boolean;
}

/**
 * One SigV4 signer for the life of a client. The SDK's default `signer` builds a new SignatureV4
 * for every call, first copying the whole client configuration (a dictionary-mode object of some
 * 40 keys, about 12 µs a copy on the reference machine) into its parameters.
 *
 * The signer is the same class with the same inputs the SDK gives it: the client's resolved
 * credential provider (called on every signing, so refreshed and assumed-role credentials are
 * used as soon as the client has them), its sha256, and its path escaping. Region and service
 * come, as before, with each signing from the endpoint's auth scheme; the ones given here are only
 * the fallback the SDK would use. Signing keys are cached by the SDK's module-wide cache (50
 * entries, by date, region, service and credentials), as before. Clock-skew correction is
 * untouched: the SDK passes the corrected signing date with every signing.
 */
function oneSigner(client: () => { config: unknown }): (authScheme?: { signingName?: string; signingRegion?: string }) => Promise<SignatureV4> {
  let signer: SignatureV4 | undefined;
  return async (authScheme) => {
    if (signer) return signer;
    const config = client().config as SigningConfig & { signingName?: string; defaultSigningName?: string; serviceId?: string };
    const region = authScheme?.signingRegion ?? (await config.region());
    return (signer ??= new SignatureV4({
      credentials: config.credentials,
      sha256: config.sha256,
      region,
      service: authScheme?.signingName ?? config.signingName ?? config.defaultSigningName ?? String(config.serviceId),
      uriEscapePath: config.signingEscapePath ?? true,
    }));
  };
}

/**
 * The SDK middleware that costs CPU on every call for nothing this tool uses. Measured with the
 * network taken away (a canned answer; `bench/sdk-call.ts`), per DescribeWorkspaceAssociations.
 * - The logger middleware builds a redacted copy of every request and response (walking all 500
 *   items of a search page) to hand to its logger, even the default no-op one. The reconciler
 *   logs calls itself.
 * - The recursion-detection middleware copies Lambda's trace id into a header when the process
 *   runs inside AWS Lambda; this tool never does.
 * - The User-Agent middleware builds the same header anew on every call, escaping each of its
 *   sections with regular expressions. Ours builds it once per client from the same parts: the
 *   SDK's default sections and the configured custom ones (e.g. `replica/pod-a`). It leaves out
 *   the SDK's per-call feature codes (`m/…`), which feed only AWS's own usage statistics.
 */
function trimSdkMiddleware(client: ConnectClient | WorkSpacesClient): void {
  const stack = client.middlewareStack as ConnectClient['middlewareStack'];
  stack.remove('loggerMiddleware');
  stack.remove('recursionDetectionMiddleware');
  stack.remove('getUserAgentMiddleware');
  type Config = { defaultUserAgentProvider: () => Promise<UserAgentPair[]>; customUserAgent?: UserAgentPair[]; userAgentAppId?: () => Promise<string | undefined> };
  const config = client.config as unknown as Config;
  let headers: Promise<{ userAgent: string; amzUserAgent: string }> | undefined;
  const build = async () => {
    const sections = await config.defaultUserAgentProvider();
    const appId = await config.userAgentAppId?.();
    const custom = config.customUserAgent ?? [];
    return {
      userAgent: formatUserAgent([...sections, ...(appId ? [['app', appId] as UserAgentPair] : []), ...custom]),
      // As the SDK's: its own section and the custom ones.
      amzUserAgent: formatUserAgent([...sections.filter(([name]) => name.startsWith('aws-sdk-')), ...custom]),
    };
  };
  const middleware = (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
    const request = args.request as { headers?: Record<string, string> };
    if (request.headers) {
      // Built on the first call (the SDK's providers are asynchronous); built again only if that failed.
      headers ??= build();
      let h: Awaited<typeof headers>;
      try {
        h = await headers;
      } catch (err) {
        headers = undefined;
        throw err;
      }
      request.headers['user-agent'] = h.userAgent;
      if (h.amzUserAgent) request.headers['x-amz-user-agent'] = h.amzUserAgent;
    }
    return next(args);
  };
  stack.add(middleware as never, { step: 'build', priority: 'low', name: 'userAgentOnceMiddleware', tags: ['SET_USER_AGENT', 'USER_AGENT'] });
}

/** A User-Agent section as the SDK's providers give it: a name and, optionally, a version. */
type UserAgentPair = [string] | [string, string];

/**
 * Sections joined as the SDK joins them: `name/version`, or `prefix/name#version` for a name
 * with a prefix (`os/linux#6.1`, `md/nodejs#20.19.0`); characters a header token may not hold
 * become `-`.
 */
export function formatUserAgent(sections: readonly (readonly string[])[]): string {
  const token = (s: string) => s.replace(/[^!$%&'*+\-.^_`|~\w]/g, '-');
  return sections
    .map(([name = '', version]) => {
      const at = name.indexOf('/');
      const prefix = at < 0 ? '' : token(name.slice(0, at));
      const rest = name.slice(at + 1).split('/').map(token).join('/');
      const v = version === undefined ? '' : version.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-');
      const parts = [prefix, prefix === 'api' ? rest.toLowerCase() : rest, v].filter((x) => x.length > 0);
      return parts.reduce((acc, x, i) => (i === 0 ? x : i === 1 ? `${acc}/${x}` : `${acc}#${x}`), '');
    })
    .join(' ');
}

/**
 * The options of one `send`: none without a signal. The SDK reuses a command's resolved
 * middleware (`cacheMiddleware`) only for a call sent without options; a `{abortSignal:
 * undefined}` would rebuild the whole middleware stack on every call.
 */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal: AbortSignal } | undefined {
  return signal ? { abortSignal: signal } : undefined;
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
