/**
 * A keyed work queue in the manner of client-go's workqueue, which controller-runtime builds on:
 *
 * - a key is queued at most once (adding a queued key is a no-op),
 * - a key is never handed to two workers at once: adding a key that is being processed marks it
 *   dirty, and it is queued again when its worker calls `done`,
 * - `addAfter` requeues after a delay (in-flight states, polls),
 * - `addRateLimited` requeues after a capped, jittered exponential backoff that grows with each
 *   failure of that key, and `forget` resets it after a success.
 *
 * Time comes from an injected Clock, so tests run the same code in milliseconds or by hand.
 */
import { systemClock } from './clock.js';
import type { Clock, Timer } from './clock.js';

export interface BackoffOptions {
  /** First delay, ms. Default 1000. */
  baseMs?: number;
  /** Largest delay, ms. Default 300000 (5 min). */
  maxMs?: number;
  /** Fraction of each delay that is randomized (0 = none, 1 = full jitter). Default 0.5. */
  jitter?: number;
}

export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: BackoffOptions;
  /** Default Math.random. */
  random?: () => number;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly queued = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly dirty = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly delayed = new Map<K, { at: number; timer: Timer }>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly clock: Clock;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private shuttingDown = false;
  /** Keys added so far (for metrics). */
  adds = 0;
  /** Requeues after a failure (for metrics). */
  retries = 0;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.baseMs = options.backoff?.baseMs ?? 1000;
    this.maxMs = options.backoff?.maxMs ?? 300_000;
    this.jitter = options.backoff?.jitter ?? 0.5;
    this.random = options.random ?? Math.random;
    if (!(this.baseMs > 0)) throw new TypeError(`Expected \`backoff.baseMs\` to be a number > 0, got ${this.baseMs}`);
    if (!(this.maxMs >= this.baseMs)) throw new TypeError(`Expected \`backoff.maxMs\` to be >= baseMs, got ${this.maxMs}`);
    if (!(this.jitter >= 0 && this.jitter <= 1)) throw new TypeError(`Expected \`backoff.jitter\` in [0, 1], got ${this.jitter}`);
  }

  add(key: K): void {
    if (this.shuttingDown) return;
    this.cancelDelayed(key);
    if (this.queued.has(key)) return;
    this.adds++;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.queued.add(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queued.delete(key);
      this.processing.add(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Queue `key` after `ms`. An earlier pending delay for the key wins; a plain add beats both. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    if (this.queued.has(key)) return;
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimer(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, timer });
  }

  /**
   * Queue `key` after its backoff, which grows with every call until `forget`, capped at `maxMs`
   * for this call (default the queue's cap). Returns the delay.
   */
  addRateLimited(key: K, maxMs = this.maxMs): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const ceiling = Math.min(this.maxMs, maxMs, this.baseMs * 2 ** n);
    const delay = Math.round(ceiling * (1 - this.jitter) + ceiling * this.jitter * this.random());
    this.retries++;
    this.addAfter(key, delay);
    return delay;
  }

  /** The key succeeded: its next failure starts from the base delay again. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker finished `key`; if it was added meanwhile, it is queued again now. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) {
      this.adds--; // counted when it was marked dirty
      this.add(key);
    }
  }

  /** Drop a key entirely: queued, delayed and backoff state (e.g. its target left the desired state). */
  remove(key: K): void {
    this.cancelDelayed(key);
    if (this.queued.delete(key)) this.queue.splice(this.queue.indexOf(key), 1);
    this.dirty.delete(key);
    this.failures.delete(key);
  }

  /** Stop handing out keys: waiting workers get undefined; pending delays are cancelled. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.timer.cancel();
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** The key is queued, ready for a worker (not delayed, not being processed). */
  isQueued(key: K): boolean {
    return this.queued.has(key);
  }

  /** Keys ready now. */
  get length(): number {
    return this.queue.length;
  }

  /** Keys waiting on a delay. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Keys being processed. */
  get activeCount(): number {
    return this.processing.size;
  }

  private cancelDelayed(key: K): void {
    const d = this.delayed.get(key);
    if (d) {
      d.timer.cancel();
      this.delayed.delete(key);
    }
  }
}
