/**
 * The rate-limited executor: every AWS call goes through a p-queue of its own service, region,
 * account and operation (DESIGN.md "Rate limits"), so one busy operation never starves another
 * and a throttled one never slows the rest.
 *
 * Steady state: p-queue's strict sliding window admits at most b = ⌊burst / 2⌋ calls in any
 * window of b / rate seconds: exactly `rate` per second in the long run. Half the burst is kept
 * in reserve because AWS counts a call when it *arrives*: requests started in one window reach
 * the server with different delays, and if a window's last calls arrive late while the next
 * window's first arrive early, a client spending the full burst overdraws the server's bucket by
 * rate × (spread of delays). With half in reserve, any spread up to burst / (2 × rate) is
 * absorbed (1.25 s at Connect's 2/s, burst 5), so the steady state is never throttled.
 *
 * Throttling (an answer, not an item failure): the queue pauses for a jittered cooldown that
 * doubles with each consecutive throttle (1 s, 2 s, … ≤ 20 s), its rate drops to half the rate
 * it was throttled at (enforced by spacing call starts), and the throttled call goes back into
 * the queue. The rate then recovers on a cubic curve of the time since sending resumed, as TCP
 * CUBIC and the SDK's own adaptive retry mode do: fast at first, flat near the rate that was
 * throttled, probing above it only slowly. The quota AWS really applies may be far below the
 * configured limit (an account-wide quota, another tool on the same account): remembering where
 * the throttle came keeps throttles rare instead of slamming the quota on every recovery.
 * Throttles that arrive while a cooldown is already running are the same event seen by other
 * in-flight calls and count once; a call that was waiting for its start when a throttle came
 * waits again at the new rate. After `maxThrottleRetries` throttles of one call it
 * is given up as a ThrottledError, which the work queue treats as retryable with backoff.
 * See providers/clients.ts for why the SDK itself never retries throttling.
 *
 * Observe-only (`run --observe-only`, and `plan`): a limiter told so refuses every operation
 * that is not read-only in providers/operations.ts with ObserveOnlyViolation, before it is
 * queued or sent. Being the one place every call passes, it holds even when a caller is wrong.
 */
import PQueue from 'p-queue';
import { classifyAwsError, isBusy, LeaseNotHeldError, NotSent, ObserveOnlyViolation, RetryableError, ThrottledError } from '../providers/errors.js';
import { isMutatingOperation } from '../providers/operations.js';
import type { AwsCallError } from '../providers/errors.js';
import type { CallGate, CallInfo, Service } from '../providers/types.js';
import { systemClock, sleep } from './clock.js';
import type { Clock, Timer } from './clock.js';

export interface RateLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Requests allowed at once above the sustained rate. */
  burst: number;
}

/** Connect's documented default quota (2/s, burst 5) and a conservative WorkSpaces default. */
export const DEFAULT_LIMITS: Readonly<Record<Service, RateLimit>> = {
  connect: { rate: 2, burst: 5 },
  workspaces: { rate: 5, burst: 10 },
};

/**
 * Operations with their own published quota (aws-api.md §6: Service Quotas defaults), used for
 * name resolution; every other operation has its service's limit.
 */
export const DEFAULT_OPERATION_LIMITS: Readonly<Record<string, RateLimit>> = {
  ListUsers: { rate: 10, burst: 10 },
  ListRoutingProfiles: { rate: 10, burst: 10 },
  SearchUsers: { rate: 2, burst: 5 },
};

/**
 * `busy`: AWS answered that the resource is busy (a deployment in flight, a conflicting change):
 * retried like `retryable`, but AWS is answering, so it never counts as an outage.
 * `fenced`: not sent, because this replica does not hold the lease of the call's shard.
 */
export type CallOutcome = 'success' | 'throttled' | 'retryable' | 'busy' | 'terminal' | 'aborted' | 'fenced';


export interface CallEvent extends CallInfo {
  outcome: CallOutcome;
  durationMs: number;
  requestId?: string;
  errorCode?: string;
  /** Attempts the SDK made for this call (its transient retries included). */
  attempts?: number;
}

export interface RateLimiterOptions {
  /** Per-service limits. Default DEFAULT_LIMITS. */
  limits?: Partial<Record<Service, RateLimit>>;
  /** Per-operation limits by operation name, over DEFAULT_OPERATION_LIMITS. */
  operationLimits?: Record<string, RateLimit>;
  /** Account of calls whose CallInfo names none (the default credentials), in queue keys. Default 'default'. */
  account?: string;
  /** Default systemClock. */
  clock?: Clock;
  /** Aborting stops calls that have not started; calls in flight finish. Default none. */
  signal?: AbortSignal;
  /** First cooldown after a throttle, ms. Default 1000. */
  cooldownMs?: number;
  /** Longest cooldown, ms. Default 20000. */
  maxCooldownMs?: number;
  /**
   * C of the cubic recovery, rate(t) = C (t − K)³ + W, in requests/s per s³ (W the rate that was
   * throttled, K the time to regain it). Default 0.4, the SDK's adaptive mode.
   */
  recoveryScale?: number;
  /** Throttles of one call before it is given up as a ThrottledError. Default 8. */
  maxThrottleRetries?: number;
  /** Default Math.random. */
  random?: () => number;
  /** Called once per attempt, after it finished. Default none. */
  onCall?: (event: CallEvent) => void;
  /**
   * The process is observe-only (`run --observe-only`): every call that is not read-only in
   * providers/operations.ts is refused with ObserveOnlyViolation, before it is queued or sent.
   * Default false.
   */
  observeOnly?: boolean;
}

interface CallOptions {
  signal?: AbortSignal;
}

/** Multiplicative decrease on a throttle: the new rate is this share of the throttled one. */
const BETA = 0.5;

class OperationQueue {
  readonly queue: PQueue;
  private consecutiveThrottles = 0;
  private coolingUntil = 0;
  private nextStart = 0;
  private resume?: Timer;
  /** The rate that was throttled (W) and when sending resumed after it; none before a throttle. */
  private last?: { maxRate: number; resumedAt: number; k: number };
  /** Bumped on every throttle: a call that reserved its start before must reserve again. */
  epoch = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly o: Required<Pick<RateLimiterOptions, 'clock' | 'cooldownMs' | 'maxCooldownMs' | 'random' | 'recoveryScale'>>,
  ) {
    const window = Math.max(1, Math.floor(limit.burst / 2));
    this.queue = new PQueue({
      concurrency: Math.max(1, Math.ceil(limit.burst)),
      intervalCap: window,
      interval: Math.max(1, Math.ceil((1000 * window) / limit.rate)),
      strict: true,
    });
  }

  /** Delay before a call may start, when the rate is reduced after throttling. */
  reserveStart(): number {
    const rate = this.rate;
    if (rate >= this.limit.rate) return 0;
    const now = this.o.clock.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + 1000 / rate;
    return start - now;
  }

  onSuccess(): void {
    this.consecutiveThrottles = 0;
  }

  onThrottle(): void {
    const now = this.o.clock.now();
    if (now < this.coolingUntil) return;
    this.consecutiveThrottles++;
    this.epoch++;
    const base = Math.min(this.o.maxCooldownMs, this.o.cooldownMs * 2 ** (this.consecutiveThrottles - 1));
    const ms = base / 2 + (this.o.random() * base) / 2;
    const maxRate = this.rate;
    this.last = { maxRate, resumedAt: now + ms, k: Math.cbrt((maxRate * (1 - BETA)) / this.o.recoveryScale) };
    this.coolingUntil = now + ms;
    this.nextStart = this.coolingUntil;
    this.queue.pause();
    this.resume?.cancel();
    this.resume = this.o.clock.setTimer(ms, () => {
      this.resume = undefined;
      this.queue.start();
    });
  }

  /** Cancel the cooldown timer and drop calls not yet started. */
  close(): void {
    this.resume?.cancel();
    this.resume = undefined;
    this.queue.clear();
  }

  /** The rate in force now: the configured one, or the cubic recovery after a throttle. */
  get rate(): number {
    if (this.last === undefined) return this.limit.rate;
    const t = Math.max(0, this.o.clock.now() - this.last.resumedAt) / 1000;
    const r = this.o.recoveryScale * (t - this.last.k) ** 3 + this.last.maxRate;
    return Math.min(this.limit.rate, Math.max(this.limit.rate / 64, r));
  }
}

export class RateLimiter implements CallGate {
  private readonly queues = new Map<string, OperationQueue>();
  private readonly limits: Record<Service, RateLimit>;
  private readonly operationLimits: Record<string, RateLimit>;
  private readonly clock: Clock;
  private readonly account: string;
  private readonly maxThrottleRetries: number;

  constructor(private readonly options: RateLimiterOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.operationLimits = { ...DEFAULT_OPERATION_LIMITS, ...options.operationLimits };
    for (const [service, l] of [...Object.entries(this.limits), ...Object.entries(this.operationLimits)]) {
      for (const field of ['rate', 'burst'] as const) {
        if (!Number.isFinite(l[field]) || l[field] <= 0) {
          throw new TypeError(`Expected \`${service}.${field}\` to be a finite number > 0, got ${l[field]}`);
        }
      }
    }
    this.clock = options.clock ?? systemClock;
    this.account = options.account ?? 'default';
    this.maxThrottleRetries = options.maxThrottleRetries ?? 8;
  }

  async call<T>(info: CallInfo, send: () => Promise<T>, callOptions: CallOptions = {}): Promise<T> {
    // Checked here, where every call passes, not only by the loop that decides the calls.
    if (this.options.observeOnly && isMutatingOperation(info)) throw new ObserveOnlyViolation(info);
    const op = this.queueFor(info);
    const signal = anySignal(this.options.signal, callOptions.signal);
    for (let throttles = 0; ; ) {
      let started: number | undefined;
      // p-queue also rejects a *running* task when its signal aborts, which would report a call in
      // flight as failed while it goes on; so p-queue gets a signal that follows ours only while
      // the call waits in the queue.
      const queued = whileQueued(signal);
      try {
        const result = await op.queue.add(
          async () => {
            queued.started();
            // A throttle while this call waited for its start moved every start: reserve again.
            for (let epoch = -1; epoch !== op.epoch; ) {
              epoch = op.epoch;
              const wait = op.reserveStart();
              if (wait > 0) await sleep(this.clock, wait, signal);
            }
            started = this.clock.now();
            return send();
          },
          { signal: queued.signal },
        );
        op.onSuccess();
        this.emit(info, 'success', started, result);
        return result;
      } catch (err) {
        // Our own abort is not an AWS answer, whether it stopped the call before it started or
        // cancelled it in flight (the SDK rejects with AbortError): retryable, never terminal.
        if (signal?.aborted && (started === undefined || err === signal.reason || (err as { name?: unknown } | null)?.name === 'AbortError')) {
          this.emit(info, 'aborted', started ?? this.clock.now());
          throw new RetryableError(
            { ...info, code: 'Aborted', awsMessage: started === undefined ? 'not started: the run was interrupted' : 'cancelled in flight: the run was interrupted' },
            { cause: err },
          );
        }
        if (err instanceof NotSent) throw err; // never sent: not an AWS call
        if (err instanceof LeaseNotHeldError) {
          // Refused by coordination before it was sent: not an AWS answer, never an outage.
          this.emit(info, 'fenced', started);
          throw err;
        }
        const e: AwsCallError = classifyAwsError(err, info);
        this.emit(info, isBusy(e) ? 'busy' : e.kind, started, undefined, e);
        if (e instanceof ThrottledError) {
          op.onThrottle();
          if (++throttles <= this.maxThrottleRetries && !signal?.aborted) continue;
        }
        throw e;
      }
    }
  }

  /** Current (possibly reduced) rate of each queue, for tests and metrics. */
  rates(): Map<string, number> {
    return new Map([...this.queues].map(([k, q]) => [k, q.rate]));
  }

  /** Calls queued or running in every queue. */
  get backlog(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.queue.size + q.queue.pending;
    return n;
  }

  /** The configured limit of this call's queue (not its current, adapted rate). */
  limitOf(info: CallInfo): RateLimit {
    return this.operationLimits[info.operation] ?? this.limits[info.service];
  }

  /** Stop: cancel cooldown timers and drop queued calls, so nothing keeps the process alive. */
  close(): void {
    for (const q of this.queues.values()) q.close();
    this.queues.clear();
  }

  private queueFor(info: CallInfo): OperationQueue {
    // AWS applies quotas per account and region: each account gets its own queues.
    const key = `${info.service}/${info.region}/${info.account ?? this.account}/${info.operation}`;
    let q = this.queues.get(key);
    if (!q) {
      q = new OperationQueue(this.operationLimits[info.operation] ?? this.limits[info.service], {
        clock: this.clock,
        cooldownMs: this.options.cooldownMs ?? 1000,
        maxCooldownMs: this.options.maxCooldownMs ?? 20_000,
        recoveryScale: this.options.recoveryScale ?? 0.4,
        random: this.options.random ?? Math.random,
      });
      this.queues.set(key, q);
    }
    return q;
  }

  private emit(info: CallInfo, outcome: CallOutcome, started: number | undefined, result?: unknown, error?: AwsCallError): void {
    if (!this.options.onCall) return;
    const meta = (result as { $metadata?: { requestId?: string; attempts?: number } } | undefined)?.$metadata;
    this.options.onCall({
      ...info,
      outcome,
      durationMs: started === undefined ? 0 : this.clock.now() - started,
      requestId: error?.requestId ?? meta?.requestId,
      errorCode: error?.code,
      attempts: error?.attempts ?? meta?.attempts,
    });
  }
}

function anySignal(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  if (a && b) return AbortSignal.any([a, b]);
  return a ?? b;
}

/** A signal that follows `signal` until `started()` is called. */
function whileQueued(signal?: AbortSignal): { signal?: AbortSignal; started(): void } {
  if (!signal) return { started: () => undefined };
  const c = new AbortController();
  const follow = () => c.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  return { signal: c.signal, started: () => signal.removeEventListener('abort', follow) };
}
