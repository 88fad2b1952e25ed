/**
 * Per-operation token buckets, keyed by account + region + service + operation, as AWS scopes its API
 * quotas ("defined for each API separately at the AWS account level", aws-api.md §6).
 */
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
}

export interface QuotaOptions {
  /** Default {rate: 2, burst: 5} (the documented Connect default). */
  connect?: ServiceQuota;
  /** Default {rate: 5, burst: 10} (AWS publishes none; a conservative choice). */
  workspaces?: ServiceQuota;
  /** Multiplies every rate and burst, for benchmarks. Default 1. */
  scale?: number;
}

export const DEFAULT_QUOTAS: Required<Pick<QuotaOptions, 'connect' | 'workspaces'>> = {
  connect: { rate: 2, burst: 5 },
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

  /** Takes one token; false means the call is throttled (and consumes nothing). */
  take(accountId: string, region: string, service: ServiceName, operation: string): boolean {
    if (this.options === false) return true;
    const limit = this.limit(service, operation);
    const key = `${accountId}|${region}|${service}|${operation}`;
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
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private limit(service: ServiceName, operation: string): RateLimit {
    const o = this.options as QuotaOptions;
    const svc = o[service] ?? DEFAULT_QUOTAS[service];
    const base = svc.operations?.[operation] ?? svc;
    const scale = o.scale ?? 1;
    return { rate: base.rate * scale, burst: base.burst * scale };
  }
}
