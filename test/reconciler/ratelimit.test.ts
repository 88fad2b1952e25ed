/**
 * RateLimiter: one p-queue per service/region/account/operation, with throttle slowdown and
 * cubic recovery, against a tiny fake `send` at high rates and millisecond cooldowns. p-queue
 * keeps its own real-time windows, so the steady-state tests run on the system clock and assert
 * only what a slow machine cannot break (never more starts than the bucket allows); how close to
 * the rate bound the limiter runs is measured in bench/, not asserted here. Recovery after a
 * throttle is a function of the injected clock and is tested on a ManualClock. The retry-storm
 * and adaptation tests against the sandbox's quotas are in ratelimit-sandbox.test.ts.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { RetryableError, TerminalError, ThrottledError } from '../../src/providers/errors.js';
import type { CallInfo, Service } from '../../src/providers/types.js';
import { ManualClock, systemClock } from '../../src/reconciler/clock.js';
import type { Clock, Timer } from '../../src/reconciler/clock.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import type { CallEvent, CallOutcome, RateLimit, RateLimiterOptions } from '../../src/reconciler/ratelimit.js';
import { REGION } from '../providers/fixtures.js';

const call = (operation = 'ListThings', service: Service = 'connect', region = REGION): CallInfo => ({
  service,
  region,
  operation,
  targetKey: `t/${operation}`,
});
const queueKey = (i: CallInfo) => `${i.service}/${i.region}/default/${i.operation}`;

/** What the SDK rejects with when AWS throttles. */
const throttling = () => ({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 429, requestId: 'req-throttled' } });

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * Run until `p` settles, moving a ManualClock only to its next due timer when something waits on
 * it: the clock never races ahead while p-queue (whose windows are real-time) holds a call.
 */
async function settle<T>(clock: ManualClock, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    const due = clock.nextDueIn;
    if (due !== undefined) clock.advance(due);
  }
  return p;
}

/** Let queued promise continuations run (no timers involved). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A limiter whose cooldowns are exactly `cooldownMs` (random 1) and that records its events. */
function limiter(limit: RateLimit, o: Partial<RateLimiterOptions> = {}): { rl: RateLimiter; events: CallEvent[] } {
  const events: CallEvent[] = [];
  const rl = new RateLimiter({
    limits: { connect: limit, workspaces: limit },
    cooldownMs: 20,
    maxCooldownMs: 200,
    random: () => 1,
    onCall: (e) => events.push(e),
    ...o,
  });
  return { rl, events };
}

describe('RateLimiter', () => {
  const open: RateLimiter[] = [];
  const make = (limit: RateLimit, o: Partial<RateLimiterOptions> = {}) => {
    const l = limiter(limit, o);
    open.push(l.rl);
    return l;
  };
  afterEach(() => {
    for (const rl of open.splice(0)) rl.close();
  });

  describe('steady state', () => {
    const cases: { reason: string; limit: RateLimit; calls: number }[] = [
      { reason: 'rate 200, burst 5: starts conform to a token bucket of 200/s, burst 5', limit: { rate: 200, burst: 5 }, calls: 30 },
      { reason: 'rate 500, burst 4: starts conform to a token bucket of 500/s, burst 4', limit: { rate: 500, burst: 4 }, calls: 30 },
      { reason: 'rate 100, burst 1: starts at least 10 ms apart', limit: { rate: 100, burst: 1 }, calls: 12 },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const { rl } = make(tc.limit);
        const starts: number[] = [];
        await Promise.all(
          Array.from({ length: tc.calls }, () =>
            rl.call(call(), async () => {
              starts.push(performance.now());
            }),
          ),
        );
        // The contract: never more than the server's bucket admits. For every run of calls i..j,
        // (j - i + 1) <= burst + rate x (t_j - t_i). Timers may fire ~1 ms off p-queue's clock.
        const tolerance = 1.5;
        for (let i = 0; i < starts.length; i++) {
          for (let j = i; j < starts.length; j++) {
            const allowed = tc.limit.burst + (tc.limit.rate * (starts[j]! - starts[i]! + tolerance)) / 1000;
            assert.ok(j - i + 1 <= allowed, `calls ${i}..${j}: ${j - i + 1} starts in ${(starts[j]! - starts[i]!).toFixed(2)} ms, bucket allows ${allowed.toFixed(1)}`);
          }
        }
      });
    }

    it('gives each operation, region and service its own queue: a full queue never delays another', async () => {
      // 2 per 200 ms: the third call cannot start while the other queues are checked.
      const { rl } = make({ rate: 10, burst: 4 });
      const block = deferred();
      const blockedStarted: number[] = [];
      const blocked = Array.from({ length: 3 }, (_, i) =>
        rl.call(call('Busy'), async () => {
          blockedStarted.push(i);
          await block.promise;
        }),
      );
      await flush();
      assert.deepEqual(blockedStarted, [0, 1], 'half the burst per window: the third waits for the next');
      const others = [call('Other'), call('Busy', 'connect', 'eu-west-2'), call('Busy', 'workspaces')];
      const results = await Promise.all(others.map((info) => rl.call(info, async () => info.operation + info.region + info.service)));
      assert.deepEqual(results, others.map((i) => i.operation + i.region + i.service));
      assert.deepEqual(blockedStarted, [0, 1], 'still blocked');
      assert.deepEqual([...rl.rates().keys()].sort(), [call('Busy'), ...others].map(queueKey).sort());
      block.resolve();
      await Promise.all(blocked);
      assert.deepEqual(blockedStarted, [0, 1, 2]);
    });
  });

  describe('per-operation limits', () => {
    it('an operation with its own quota gets its own limit; the defaults give ListUsers 10/s and SearchUsers 2/s', async () => {
      const { rl } = make({ rate: 1000, burst: 4 }, { operationLimits: { Special: { rate: 7, burst: 3 } } });
      for (const op of ['Special', 'ListUsers', 'SearchUsers', 'Other']) await rl.call(call(op), async () => undefined);
      assert.deepEqual(
        ['Special', 'ListUsers', 'SearchUsers', 'Other'].map((op) => rl.rates().get(queueKey(call(op)))),
        [7, 10, 2, 1000],
      );
    });

    it('rejects an operation limit that is not a positive number, naming it', () => {
      assert.throws(() => new RateLimiter({ operationLimits: { ListUsers: { rate: 0, burst: 1 } } }), /ListUsers\.rate/);
    });
  });

  describe('throttling', () => {
    const LIMIT: RateLimit = { rate: 1000, burst: 5 };

    it('pauses the queue for the cooldown, halves the rate, retries the throttled call, and it succeeds', async () => {
      const events: CallEvent[] = [];
      const throttledSeen = deferred();
      const { rl } = make(LIMIT, {
        cooldownMs: 20,
        onCall: (e) => {
          events.push(e);
          if (e.outcome === 'throttled') throttledSeen.resolve();
        },
      });
      const key = queueKey(call());
      let attempts = 0;
      let throttledAt = 0;
      let retryAt = 0;
      let rateAtRetry = 0;
      const first = rl.call(call(), async () => {
        attempts++;
        if (attempts === 1) {
          throttledAt = performance.now();
          throw throttling();
        }
        retryAt = performance.now();
        rateAtRetry = rl.rates().get(key)!;
        return 'first';
      });
      // Once the throttle is known, a new call of the same operation waits out the cooldown too.
      await throttledSeen.promise;
      let otherAt = 0;
      const other = rl.call(call(), async () => {
        otherAt = performance.now();
        return 'other';
      });
      assert.deepEqual(await Promise.all([first, other]), ['first', 'other']);
      assert.equal(attempts, 2);
      assert.ok(retryAt - throttledAt >= 20 - 1.5, `retried ${(retryAt - throttledAt).toFixed(2)} ms after the throttle`);
      assert.ok(otherAt - throttledAt >= 20 - 1.5, `another call started ${(otherAt - throttledAt).toFixed(2)} ms after the throttle`);
      // Halved, then recovering from the moment sending resumed (C = 0.4: about +0.14/s per ms).
      assert.ok(rateAtRetry > 499.999 && rateAtRetry < 525, `the rate is halved: ${rateAtRetry}`);
      assert.deepEqual(
        events.map((e) => [e.outcome, e.errorCode]),
        [
          ['throttled', 'ThrottlingException'],
          ['success', undefined],
          ['success', undefined],
        ],
      );
      assert.equal(events[0]!.requestId, 'req-throttled');
    });

    it('recovers on a cubic curve toward the rate that was throttled, and remembers it after a second throttle', async () => {
      const clock = new ManualClock(0);
      const { rl } = make(LIMIT, { clock, cooldownMs: 20 });
      const key = queueKey(call());
      const throttleOnce = () => {
        let n = 0;
        return rl.call(call(), async () => {
          if (n++ === 0) throw throttling();
        });
      };
      await settle(clock, throttleOnce());
      // Throttled at 1000/s; resumed 20 ms later at 500/s. K = ∛(1000 × 0.5 / 0.4) s regains 1000.
      const k1 = Math.cbrt((1000 * 0.5) / 0.4) * 1000;
      const at = (ms: number) => {
        clock.advance(ms - clock.now());
        return rl.rates().get(key)!;
      };
      assert.ok(Math.abs(at(20) - 500) < 1e-9);
      assert.ok(Math.abs(at(20 + k1 / 2) - (1000 - 0.4 * (k1 / 2000) ** 3)) < 1e-6, 'halfway: 937.5/s');
      // A second throttle at 937.5/s: the curve now flattens at 937.5, not at the configured 1000.
      const w = at(20 + k1 / 2);
      const t2 = clock.now();
      await settle(clock, throttleOnce());
      assert.equal(clock.now(), t2 + 20, 'the retry waited out the cooldown on the injected clock');
      const k2 = Math.cbrt((w * 0.5) / 0.4) * 1000;
      assert.ok(Math.abs(at(t2 + 20) - w / 2) < 1e-6);
      assert.ok(Math.abs(at(t2 + 20 + k2) - w) < 1e-6, 'regains the throttled rate after K');
      assert.ok(at(t2 + 20 + k2 + 1000) < w + 0.5, 'one second later it has probed only 0.4/s above it');
      assert.equal(at(t2 + 20 + k2 + 10_000), 1000, 'and in the end returns to the configured rate');
    });

    it('at a reduced rate, spaces call starts by 1 / rate', async () => {
      const clock = new ManualClock(0);
      const { rl } = make({ rate: 200, burst: 5 }, { clock, cooldownMs: 5 });
      let n = 0;
      await settle(clock, rl.call(call(), async () => {
        if (n++ === 0) throw throttling();
      }));
      // 100/s after the throttle, recovering slowly (K = ∛(200 × 0.5 / 0.4) ≈ 6.3 s): gaps of about 10 ms.
      const starts: number[] = [];
      await settle(clock, Promise.all(Array.from({ length: 5 }, () => rl.call(call(), async () => void starts.push(clock.now())))));
      for (let i = 1; i < starts.length; i++) {
        const gap = starts[i]! - starts[i - 1]!;
        assert.ok(gap >= 1000 / 110, `gap ${gap.toFixed(2)} ms on the injected clock, at a rate near 100/s`);
      }
    });

    it('counts throttles that arrive during one cooldown once', async () => {
      // A window of 3 (half of burst 6): all three calls are in flight when the throttles arrive.
      const { rl, events } = make({ rate: 1000, burst: 6 }, { cooldownMs: 20 });
      const key = queueKey(call());
      const gate = deferred();
      const rates: number[] = [];
      const calls = Array.from({ length: 3 }, () => {
        let first = true;
        return rl.call(call(), async () => {
          if (first) {
            first = false;
            await gate.promise;
            throw throttling();
          }
          rates.push(rl.rates().get(key)!);
          return 'ok';
        });
      });
      await flush();
      gate.resolve();
      assert.deepEqual(await Promise.all(calls), ['ok', 'ok', 'ok']);
      assert.equal(events.filter((e) => e.outcome === 'throttled').length, 3);
      assert.ok(rates.every((r) => r > 499.999 && r < 525), `halved once, not three times: ${rates.join(', ')}`);
    });

    const giveUp: { reason: string; maxThrottleRetries: number; attempts: number }[] = [
      { reason: 'maxThrottleRetries 0: the first throttle surfaces as a ThrottledError', maxThrottleRetries: 0, attempts: 1 },
      { reason: 'maxThrottleRetries 3: the fourth throttle surfaces as a ThrottledError', maxThrottleRetries: 3, attempts: 4 },
    ];
    for (const tc of giveUp) {
      it(tc.reason, async () => {
        const { rl, events } = make(LIMIT, { cooldownMs: 2, maxThrottleRetries: tc.maxThrottleRetries });
        let attempts = 0;
        const err = await rl.call(call(), async () => {
          attempts++;
          throw throttling();
        }).then(
          () => assert.fail('resolved'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof ThrottledError, String(err));
        assert.equal(err.code, 'ThrottlingException');
        assert.equal(err.operation, 'ListThings');
        assert.equal(attempts, tc.attempts);
        assert.equal(events.length, tc.attempts);
        assert.ok(events.every((e) => e.outcome === 'throttled'));
        assert.ok(rl.rates().get(queueKey(call()))! < LIMIT.rate);
      });
    }
  });

  describe('abort', () => {
    const cases: { reason: string; how: 'limiter' | 'call' }[] = [
      { reason: "the limiter's signal rejects calls not started as RetryableError 'Aborted'; the running call finishes", how: 'limiter' },
      { reason: "a call's own signal does the same for that call", how: 'call' },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const abort = new AbortController();
        const { rl, events } = make({ rate: 1000, burst: 1 }, tc.how === 'limiter' ? { signal: abort.signal } : {});
        const opts = tc.how === 'call' ? { signal: abort.signal } : {};
        const running = deferred<string>();
        const sent: number[] = [];
        const p = [0, 1, 2].map((i) =>
          rl.call(call(), () => {
            sent.push(i);
            return i === 0 ? running.promise : Promise.resolve(`call ${i}`);
          }, opts),
        );
        const settled = p.map((x) => x.then((v) => ({ v }), (e: unknown) => ({ e })));
        await flush();
        assert.deepEqual(sent, [0]);
        abort.abort(new Error('interrupted'));
        const late = rl.call(call(), async () => void sent.push(3), opts).then((v) => ({ v }), (e: unknown) => ({ e }));
        const [r1, r2, r3] = await Promise.all([settled[1]!, settled[2]!, late]);
        for (const r of [r1, r2, r3]) {
          assert.ok('e' in r && r.e instanceof RetryableError, `rejected as retryable: ${JSON.stringify(r)}`);
          assert.equal(r.e.code, 'Aborted');
        }
        running.resolve('call 0');
        assert.deepEqual(await settled[0], { v: 'call 0' }, 'the call in flight finishes with its result');
        assert.deepEqual(sent, [0], 'nothing else was sent');
        assert.deepEqual(events.map((e) => e.outcome).sort(), ['aborted', 'aborted', 'aborted', 'success']);
      });
    }
  });

  describe('abort of a call in flight', () => {
    const cases: { reason: string; rejectWith: (signal: AbortSignal) => unknown; want: 'Aborted' | 'AccessDeniedException' }[] = [
      {
        reason: "the SDK cancelling it (AbortError) is our interruption, not AWS's answer: RetryableError 'Aborted', never terminal",
        rejectWith: () => Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
        want: 'Aborted',
      },
      {
        reason: "a real AWS error that arrives after the abort is still AWS's answer",
        rejectWith: () => ({ name: 'AccessDeniedException', message: 'no', $metadata: { httpStatusCode: 403 } }),
        want: 'AccessDeniedException',
      },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const abort = new AbortController();
        const { rl, events } = make({ rate: 1000, burst: 5 }, { signal: abort.signal });
        const inFlight = deferred();
        const p = rl.call(call(), async () => {
          inFlight.resolve();
          await new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true }));
          throw tc.rejectWith(abort.signal);
        });
        await inFlight.promise;
        abort.abort(new Error('interrupted'));
        const err = await p.then(() => assert.fail('resolved'), (e: unknown) => e);
        if (tc.want === 'Aborted') assert.ok(err instanceof RetryableError, String(err));
        else assert.ok(err instanceof TerminalError, String(err));
        assert.equal(err.code, tc.want);
        assert.deepEqual(events.map((e) => e.outcome), [tc.want === 'Aborted' ? 'aborted' : 'terminal']);
      });
    }
  });

  describe('close', () => {
    /** The system clock, counting timers that are still pending. */
    class CountingClock implements Clock {
      live = 0;
      now = () => systemClock.now();
      setTimer(ms: number, fn: () => void): Timer {
        let open = true;
        this.live++;
        const end = () => {
          if (open) (open = false), this.live--;
        };
        const t = systemClock.setTimer(ms, () => {
          end();
          fn();
        });
        return { cancel: () => (end(), t.cancel()) };
      }
    }
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

    it('cancels a running cooldown and drops queued calls, leaving no timer to keep the process alive', async () => {
      await flush(); // mocha arms its own timeout timer once the test function has returned
      const before = timeouts();
      const clock = new CountingClock();
      const { rl, events } = make({ rate: 1000, burst: 5 }, { clock, cooldownMs: 60_000, maxCooldownMs: 60_000 });
      let attempts = 0;
      void rl.call(call(), async () => {
        attempts++;
        throw throttling();
      });
      while (events.length === 0) await new Promise((r) => setImmediate(r));
      await flush();
      assert.equal(clock.live, 1, 'a cooldown is running');
      assert.equal(timeouts(), before + 1);
      assert.equal(rl.backlog, 1, 'the throttled call waits in the paused queue');
      rl.close();
      assert.equal(clock.live, 0);
      assert.equal(rl.backlog, 0);
      assert.equal(timeouts(), before);
      assert.equal(attempts, 1);
    });
  });

  describe('onCall', () => {
    const cases: {
      reason: string;
      send: () => Promise<unknown>;
      outcome: CallOutcome;
      errorClass?: typeof RetryableError | typeof TerminalError;
      want: Partial<CallEvent>;
    }[] = [
      {
        reason: "success: the SDK's request id and attempts are reported",
        send: async () => ({ $metadata: { requestId: 'req-ok', attempts: 2 } }),
        outcome: 'success',
        want: { requestId: 'req-ok', attempts: 2, errorCode: undefined },
      },
      {
        reason: 'a 5xx is retryable: reported and rejected as a RetryableError, not retried here',
        send: async () => {
          throw { name: 'InternalServiceException', message: 'boom', $metadata: { httpStatusCode: 500, requestId: 'req-500', attempts: 3 } };
        },
        outcome: 'retryable',
        errorClass: RetryableError,
        want: { requestId: 'req-500', attempts: 3, errorCode: 'InternalServiceException' },
      },
      {
        reason: 'AccessDenied is terminal: reported and rejected as a TerminalError',
        send: async () => {
          throw { name: 'AccessDeniedException', message: 'no', $metadata: { httpStatusCode: 403, requestId: 'req-403' } };
        },
        outcome: 'terminal',
        errorClass: TerminalError,
        want: { requestId: 'req-403', errorCode: 'AccessDeniedException' },
      },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const { rl, events } = make({ rate: 1000, burst: 5 });
        let sends = 0;
        const info = call('Describe', 'workspaces');
        const result = await rl.call(info, () => (sends++, tc.send())).then((v) => ({ v }), (e: unknown) => ({ e }));
        if (tc.errorClass) assert.ok('e' in result && result.e instanceof tc.errorClass, JSON.stringify(result));
        else assert.ok('v' in result);
        assert.equal(sends, 1);
        assert.equal(events.length, 1);
        const e = events[0]!;
        assert.equal(e.outcome, tc.outcome);
        assert.deepEqual(
          { service: e.service, region: e.region, operation: e.operation, targetKey: e.targetKey },
          { service: 'workspaces', region: REGION, operation: 'Describe', targetKey: 't/Describe' },
        );
        for (const [k, v] of Object.entries(tc.want)) assert.equal(e[k as keyof CallEvent], v, k);
        assert.ok(e.durationMs >= 0);
      });
    }
  });

  describe('option validation', () => {
    const cases: { reason: string; limits: Partial<Record<Service, RateLimit>>; want: RegExp }[] = [
      { reason: 'rate 0', limits: { connect: { rate: 0, burst: 5 } }, want: /`connect\.rate`.*got 0/ },
      { reason: 'burst NaN', limits: { workspaces: { rate: 1, burst: NaN } }, want: /`workspaces\.burst`.*got NaN/ },
      { reason: 'rate Infinity', limits: { connect: { rate: Infinity, burst: 5 } }, want: /`connect\.rate`.*got Infinity/ },
    ];
    for (const tc of cases) {
      it(`rejects ${tc.reason}, naming the option and the value`, () => {
        assert.throws(() => new RateLimiter({ limits: tc.limits }), (e: unknown) => e instanceof TypeError && tc.want.test(e.message));
      });
    }
  });
});

describe('RateLimiter: call outcomes', () => {
  it('a ResourceInUse or Conflict answer is reported as busy, not as retryable (AWS answered)', async () => {
    const { RateLimiter } = await import('../../src/reconciler/ratelimit.js');
    const seen: string[] = [];
    const l = new RateLimiter({ limits: { connect: { rate: 1000, burst: 100 } }, onCall: (e) => seen.push(`${e.outcome} ${e.errorCode}`) });
    for (const name of ['ResourceInUseException', 'ConflictException', 'InternalServiceException']) {
      await l.call({ service: 'connect', region: 'us-east-1', operation: 'AssociateWorkspace' }, () => Promise.reject(Object.assign(new Error('x'), { name }))).catch(() => undefined);
    }
    l.close();
    assert.deepEqual(seen, ['busy ResourceInUseException', 'busy ConflictException', 'retryable InternalServiceException']);
  });
});
