/**
 * Time, injected. Queues and limiters take a Clock so tests can run them in milliseconds or
 * drive them by hand; nothing in src/reconciler reads Date.now or calls setTimeout directly.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /**
   * Run `fn` after `ms`. The timer keeps the process alive: a pending timer is pending work (a
   * cooldown, a poll); owners cancel theirs when they close.
   */
  setTimer(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/** Resolve after `ms` on `clock`, or reject with the signal's reason when it aborts first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A clock that moves only when told to: `advance(ms)` runs every timer that falls due, in
 * order. For unit tests of queues and backoff.
 */
export class ManualClock implements Clock {
  private time: number;
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const entry = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  /** Milliseconds until the next timer falls due, or undefined when none waits. */
  get nextDueIn(): number | undefined {
    const live = this.timers.filter((t) => !t.cancelled);
    return live.length === 0 ? undefined : Math.max(0, Math.min(...live.map((t) => t.at)) - this.time);
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.time = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.time = until;
  }
}
