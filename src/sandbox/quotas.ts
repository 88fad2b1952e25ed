/**
 * Per-operation token buckets, keyed by account + region + service + operation, as AWS scopes its API
 * quotas ("defined for each API separately at the AWS account level", aws-api.md §6).
 */
import type { Checker } from './check.js';
import type { ServiceName } from './errors.js';

export interface RateLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Bucket size: requests allowed at once after idling. */
  burst: number;
}

export interface ServiceQuota extends RateLimit {
  /** Per-operation overrides, e.g. `{ListUsers: {rate: 10, burst: 10}}`. Default none. */
  operations?: Record<string, RateLimit>;
  /**
   * A second bucket shared by every operation of the service in one account and region, as
   * Connect limits "steady-state RPS and burst across all APIs within an AWS account, per
   * Region" (aws-api.md §6). A call needs a token from both buckets. Default none.
   */
  account?: RateLimit;
}

export interface QuotaOptions {
  /**
   * Default {rate: 2, burst: 5} (the documented Connect default) with ListUsers,
   * ListRoutingProfiles and DescribeUser at 10/s and SearchUsers at 2/s. Given, it replaces all of them.
   */
  connect?: ServiceQuota;
  /** Default {rate: 5, burst: 10} (AWS publishes none; a conservative choice). */
  workspaces?: ServiceQuota;
  /** Multiplies every rate and burst, for benchmarks. Default 1. */
  scale?: number;
}

/**
 * The sandbox's own defaults (aws-api.md §6), set apart from the client's: per operation, with
 * the Service Quotas defaults for name resolution (bursts are not published: a guess).
 */
export const DEFAULT_QUOTAS: Required<Pick<QuotaOptions, 'connect' | 'workspaces'>> = {
  connect: {
    rate: 2,
    burst: 5,
    operations: {
      ListUsers: { rate: 10, burst: 10 },
      ListRoutingProfiles: { rate: 10, burst: 10 },
      DescribeUser: { rate: 10, burst: 10 },
      SearchUsers: { rate: 2, burst: 5 },
    },
  },
  workspaces: { rate: 5, burst: 10 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export class QuotaBook {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly options: QuotaOptions | false,
    private readonly now: () => number,
  ) {}

  /**
   * Takes one token from the operation's bucket and, if the service has one, from the
   * account-wide bucket; false means the call is throttled (and consumes nothing from either).
   */
  take(accountId: string, region: string, service: ServiceName, operation: string): boolean {
    if (this.options === false) return true;
    const o = this.options;
    const svc = o[service] ?? DEFAULT_QUOTAS[service];
    const scope = `${accountId}|${region}|${service}`;
    // A service's quota given in the options replaces its defaults, per-operation ones included.
    const buckets = [this.refill(`${scope}|${operation}`, svc.operations?.[operation] ?? svc)];
    // '*' is not an operation name, so the account bucket never collides with one.
    if (svc.account !== undefined) buckets.push(this.refill(`${scope}|*`, svc.account));
    if (buckets.some((b) => b.tokens < 1)) return false;
    for (const b of buckets) b.tokens -= 1;
    return true;
  }

  private refill(key: string, base: RateLimit): Bucket {
    const scale = (this.options as QuotaOptions).scale ?? 1;
    const limit = { rate: base.rate * scale, burst: base.burst * scale };
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: limit.burst, at: t };
      this.buckets.set(key, b);
    }
    // A clock that goes backwards (an injected fake reset by a test) refills nothing.
    const elapsed = Math.max(0, t - b.at) / 1000;
    b.tokens = Math.min(limit.burst, b.tokens + elapsed * limit.rate);
    b.at = t;
    return b;
  }
}

/** The seed's `quotas` (same shape as the startSandbox option), validated with paths. */
export function checkQuotas(c: Checker, p: string, v: unknown): QuotaOptions {
  const o = c.object(p, v, ['connect', 'workspaces', 'scale']);
  if (o === undefined) return {};
  const limit = (lp: string, lv: unknown): RateLimit | undefined => {
    const lo = c.object(lp, lv, ['rate', 'burst'], ['rate', 'burst']);
    const rate = c.number(`${lp}.rate`, lo?.rate, { min: Number.MIN_VALUE, max: 1e6 });
    const burst = c.number(`${lp}.burst`, lo?.burst, { min: 1, max: 1e6 });
    return rate === undefined || burst === undefined ? undefined : { rate, burst };
  };
  const out: QuotaOptions = {};
  if (o.scale !== undefined) out.scale = c.number(`${p}.scale`, o.scale, { min: Number.MIN_VALUE, max: 1e6 });
  for (const svc of ['connect', 'workspaces'] as const) {
    if (o[svc] === undefined) continue;
    const sp = `${p}.${svc}`;
    const so = c.object(sp, o[svc], ['rate', 'burst', 'operations', 'account'], ['rate', 'burst']);
    if (so === undefined) continue;
    const base = limit(sp, { rate: so.rate, burst: so.burst });
    if (base === undefined) continue;
    const q: ServiceQuota = { ...base };
    if (so.account !== undefined) q.account = limit(`${sp}.account`, so.account);
    if (so.operations !== undefined) {
      const ops = c.object(`${sp}.operations`, so.operations, Object.keys((so.operations as object | null) ?? {})) ?? {};
      q.operations = {};
      for (const [op, l] of Object.entries(ops)) {
        const r = limit(`${sp}.operations.${op}`, l);
        if (r) q.operations[op] = r;
      }
    }
    out[svc] = q;
  }
  return out;
}
