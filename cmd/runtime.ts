/** Wires the AWS side: one client per service and region, one rate limiter, the providers. */
import { ClientFactory } from '../src/providers/clients.js';
import type { Fence } from '../src/providers/clients.js';
import { ConnectLookupAws } from '../src/providers/connect/lookup.js';
import { WorkSpacesLookupAws } from '../src/providers/workspaces/lookup.js';
import { ConnectProvider } from '../src/providers/connect/index.js';
import { WorkSpacesProvider } from '../src/providers/workspaces/index.js';
import { DEFAULT_LIMITS, RateLimiter } from '../src/reconciler/ratelimit.js';
import type { CallEvent, RateLimit } from '../src/reconciler/ratelimit.js';
import type { DesiredState } from '../src/config/index.js';
import { resolveDesired, type ResolveResult } from '../src/resolve/index.js';
import type { Logger } from 'pino';

export interface CallStats {
  total: number;
  throttled: number;
  failed: number;
}

export interface RuntimeOptions {
  /** Deadline of each attempt of each AWS call, ms (--call-timeout). Default 30000. */
  callTimeoutMs?: number;
  connectLimit?: RateLimit;
  workspacesLimit?: RateLimit;
  /** Operations with their own quota (--operation-limit), over DEFAULT_OPERATION_LIMITS. */
  operationLimits?: Record<string, RateLimit>;
  signal?: AbortSignal;
  onCall?: (e: CallEvent) => void;
  /** Refuse every mutating call in the rate limiter (`run --observe-only`). Default false. */
  observeOnly?: boolean;
  /** Checked before every attempt of a mutating call (coordination: the shard's lease). Default none. */
  fence?: Fence;
  /** Appended to every call's User-Agent, e.g. [['replica', identity]]. Default none. */
  userAgent?: [string, string][];
  /** Where providers log what an operator should know once (a Connect search filter given up). */
  logger?: Logger;
  /**
   * Observe every application of each WorkSpace (DescribeWorkspaceAssociations per WorkSpace),
   * never the application-side view of the listed ones only. `apply --plan` needs it: a reviewed
   * deploy must see every pending change it would carry out, listed or not. Default false.
   */
  everyApplication?: boolean;
}

export interface Runtime {
  clients: ClientFactory;
  limiter: RateLimiter;
  providers: { connect: ConnectProvider; workspaces: WorkSpacesProvider };
  /** Name and selector look-ups of the default credentials, through the same limiter. */
  lookups: { connect: ConnectLookupAws; workspaces: WorkSpacesLookupAws };
  /** The same look-ups in an account reached by its Account document (clients.setAccounts). */
  lookupsFor(account: string): { connect: ConnectLookupAws; workspaces: WorkSpacesLookupAws };
  /**
   * Resolution of a desired state: its Account documents become the clients' assumed roles (a
   * reload keeps the credentials of unchanged ones), then names, selectors and accounts → targets.
   */
  resolve(state: DesiredState, signal?: AbortSignal): Promise<ResolveResult>;
  stats: CallStats;
  close(): void;
}

export function createRuntime(o: RuntimeOptions = {}): Runtime {
  const clients = new ClientFactory({ callTimeoutMs: o.callTimeoutMs, fence: o.fence, userAgent: o.userAgent });
  const stats: CallStats = { total: 0, throttled: 0, failed: 0 };
  const limiter = new RateLimiter({
    limits: { connect: o.connectLimit ?? DEFAULT_LIMITS.connect, workspaces: o.workspacesLimit ?? DEFAULT_LIMITS.workspaces },
    operationLimits: o.operationLimits,
    signal: o.signal,
    observeOnly: o.observeOnly,
    onCall: (e) => {
      if (e.outcome !== 'aborted') stats.total++;
      if (e.outcome === 'throttled') stats.throttled++;
      else if (e.outcome === 'retryable' || e.outcome === 'busy' || e.outcome === 'terminal') stats.failed++;
      o.onCall?.(e);
    },
  });
  const providers = {
    connect: new ConnectProvider({ clients, gate: limiter, logger: o.logger }),
    workspaces: new WorkSpacesProvider({ clients, gate: limiter, ...(o.everyApplication ? { applicationView: false } : {}) }),
  };
  const lookups = { connect: new ConnectLookupAws({ clients, gate: limiter }), workspaces: new WorkSpacesLookupAws({ clients, gate: limiter }) };
  const perAccount = new Map<string, typeof lookups>();
  const lookupsFor = (account: string) => {
    let l = perAccount.get(account);
    if (!l) perAccount.set(account, (l = { connect: new ConnectLookupAws({ clients, gate: limiter, account }), workspaces: new WorkSpacesLookupAws({ clients, gate: limiter, account }) }));
    return l;
  };
  return {
    clients,
    limiter,
    providers,
    lookups,
    lookupsFor,
    resolve: (state, signal) => {
      clients.setAccounts(state.accounts);
      return resolveDesired(state, { ...lookups, lookupsFor, defaultAccount: () => clients.defaultAccountId(), ...(signal ? { signal } : {}) });
    },
    stats,
    close: () => {
      limiter.close();
      clients.destroy();
    },
  };
}
