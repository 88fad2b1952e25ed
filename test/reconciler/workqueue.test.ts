/**
 * WorkQueue on a ManualClock: dedup, one worker per key, delays, backoff, removal and shutdown.
 * Time moves only when a test advances it, so every delay is checked to the millisecond.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/reconciler/clock.js';
import { WorkQueue } from '../../src/reconciler/workqueue.js';
import type { BackoffOptions, WorkQueueOptions } from '../../src/reconciler/workqueue.js';

function newQueue(options: WorkQueueOptions = {}): { q: WorkQueue<string>; clock: ManualClock } {
  const clock = new ManualClock(1_000);
  return { q: new WorkQueue<string>({ clock, ...options }), clock };
}

/** Keys ready now, in order, taken without waiting (each one is marked done at once). */
async function drain(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.length > 0) {
    const k = (await q.get())!;
    out.push(k);
    q.done(k);
  }
  return out;
}

describe('WorkQueue', () => {
  describe('dedup and one worker per key', () => {
    const cases: { reason: string; run: (q: WorkQueue<string>) => Promise<void> }[] = [
      {
        reason: 'a key added while queued is queued once',
        run: async (q) => {
          q.add('a');
          q.add('b');
          q.add('a');
          assert.equal(q.length, 2);
          assert.deepEqual(await drain(q), ['a', 'b']);
        },
      },
      {
        reason: 'a key added (twice) while processing is not queued beside it, and is requeued exactly once on done()',
        run: async (q) => {
          q.add('a');
          const k = await q.get();
          assert.equal(k, 'a');
          q.add('a');
          q.add('a');
          assert.equal(q.length, 0, 'must not be queued while a worker holds it');
          assert.equal(q.activeCount, 1);
          q.done('a');
          assert.equal(q.length, 1);
          assert.deepEqual(await drain(q), ['a']);
          assert.equal(q.length, 0, 'requeued once only');
        },
      },
      {
        reason: 'done() of a key that was not re-added does not requeue it',
        run: async (q) => {
          q.add('a');
          q.done((await q.get())!);
          assert.equal(q.length, 0);
          assert.equal(q.activeCount, 0);
        },
      },
    ];
    for (const tc of cases) it(tc.reason, () => tc.run(newQueue().q));

    it('never hands one key to two of N concurrent workers, and processes every add after the last done', async () => {
      const { q } = newQueue();
      const holding = new Set<string>();
      const processed: string[] = [];
      let overlaps = 0;
      const releases: (() => void)[] = [];
      const worker = async () => {
        for (;;) {
          const key = await q.get();
          if (key === undefined) return;
          if (holding.has(key)) overlaps++;
          holding.add(key);
          processed.push(key);
          await new Promise<void>((r) => releases.push(r));
          holding.delete(key);
          q.done(key);
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      // Waves of adds of a few keys while workers hold some of them.
      for (let wave = 0; wave < 20; wave++) {
        for (const k of ['a', 'b', 'c', 'a', 'b', 'a']) q.add(k);
        await flush();
        assert.ok(holding.size <= 3);
        for (const r of releases.splice(0, wave % 3)) r();
        await flush();
      }
      // Let everything finish.
      while (releases.length > 0 || q.length > 0) {
        for (const r of releases.splice(0)) r();
        await flush();
      }
      assert.equal(overlaps, 0);
      q.shutDown();
      await Promise.all(workers);
      assert.deepEqual(new Set(processed), new Set(['a', 'b', 'c']));
      assert.equal(q.activeCount, 0);
      assert.equal(q.length, 0);
    });
  });

  describe('addAfter', () => {
    interface Step {
      op: 'add' | 'after' | 'advance' | 'drain';
      key?: string;
      ms?: number;
      /** For drain: keys wanted ready now. */
      want?: string[];
    }
    const cases: { reason: string; steps: Step[] }[] = [
      {
        reason: 'fires exactly when due, not a millisecond earlier',
        steps: [
          { op: 'after', key: 'a', ms: 100 },
          { op: 'advance', ms: 99 },
          { op: 'drain', want: [] },
          { op: 'advance', ms: 1 },
          { op: 'drain', want: ['a'] },
        ],
      },
      {
        reason: 'an earlier delay replaces a later one',
        steps: [
          { op: 'after', key: 'a', ms: 100 },
          { op: 'after', key: 'a', ms: 30 },
          { op: 'advance', ms: 30 },
          { op: 'drain', want: ['a'] },
          { op: 'advance', ms: 100 },
          { op: 'drain', want: [] },
        ],
      },
      {
        reason: 'a later delay does not postpone an earlier one (and does not fire on its own)',
        steps: [
          { op: 'after', key: 'a', ms: 30 },
          { op: 'after', key: 'a', ms: 100 },
          { op: 'advance', ms: 30 },
          { op: 'drain', want: ['a'] },
          { op: 'advance', ms: 100 },
          { op: 'drain', want: [] },
        ],
      },
      {
        reason: 'add() beats a pending delay: queued now, and the delay is cancelled',
        steps: [
          { op: 'after', key: 'a', ms: 100 },
          { op: 'add', key: 'a' },
          { op: 'drain', want: ['a'] },
          { op: 'advance', ms: 200 },
          { op: 'drain', want: [] },
        ],
      },
      {
        reason: 'a delay for a key already queued is ignored',
        steps: [
          { op: 'add', key: 'a' },
          { op: 'after', key: 'a', ms: 50 },
          { op: 'drain', want: ['a'] },
          { op: 'advance', ms: 50 },
          { op: 'drain', want: [] },
        ],
      },
      {
        reason: 'a delay of 0 or less is a plain add',
        steps: [
          { op: 'after', key: 'a', ms: 0 },
          { op: 'after', key: 'b', ms: -5 },
          { op: 'drain', want: ['a', 'b'] },
        ],
      },
      {
        reason: 'delays of several keys fire in time order',
        steps: [
          { op: 'after', key: 'c', ms: 30 },
          { op: 'after', key: 'a', ms: 20 },
          { op: 'after', key: 'b', ms: 10 },
          { op: 'advance', ms: 30 },
          { op: 'drain', want: ['b', 'a', 'c'] },
        ],
      },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const { q, clock } = newQueue();
        for (const [i, s] of tc.steps.entries()) {
          if (s.op === 'add') q.add(s.key!);
          else if (s.op === 'after') q.addAfter(s.key!, s.ms!);
          else if (s.op === 'advance') clock.advance(s.ms!);
          else assert.deepEqual(await drain(q), s.want, `step ${i}`);
        }
      });
    }

    it('a delay that falls due while the key is processing requeues it after done()', async () => {
      const { q, clock } = newQueue();
      q.add('a');
      const k = (await q.get())!;
      q.addAfter('a', 10);
      clock.advance(10);
      assert.equal(q.length, 0);
      q.done(k);
      assert.deepEqual(await drain(q), ['a']);
    });
  });

  describe('addRateLimited', () => {
    const cases: { reason: string; backoff: BackoffOptions; random: number; want: number[] }[] = [
      {
        reason: 'without jitter: base, 2×, 4×, 8× … capped at maxMs',
        backoff: { baseMs: 10, maxMs: 100, jitter: 0 },
        random: 0.7,
        want: [10, 20, 40, 80, 100, 100],
      },
      {
        reason: 'full jitter, random 0: zero',
        backoff: { baseMs: 10, maxMs: 100, jitter: 1 },
        random: 0,
        want: [0, 0, 0, 0, 0],
      },
      {
        reason: 'jitter 0.5, random 0: the lower bound, half the ceiling',
        backoff: { baseMs: 10, maxMs: 100, jitter: 0.5 },
        random: 0,
        want: [5, 10, 20, 40, 50, 50],
      },
      {
        reason: 'jitter 0.5, random → 1: the upper bound, the ceiling',
        backoff: { baseMs: 10, maxMs: 100, jitter: 0.5 },
        random: 0.999999,
        want: [10, 20, 40, 80, 100, 100],
      },
      {
        reason: 'default backoff (1 s … 5 min, jitter 0.5), random 0.5: three quarters of the ceiling',
        backoff: {},
        random: 0.5,
        want: [750, 1500, 3000, 6000, 12000, 24000, 48000, 96000, 192000, 225000, 225000],
      },
    ];
    for (const tc of cases) {
      it(tc.reason, () => {
        const { q } = newQueue({ backoff: tc.backoff, random: () => tc.random });
        const got = tc.want.map(() => q.addRateLimited('a'));
        assert.deepEqual(got, tc.want);
        assert.equal(q.numRequeues('a'), tc.want.length);
      });
    }

    it('queues the key after the returned delay, and forget() restarts from the base', async () => {
      const { q, clock } = newQueue({ backoff: { baseMs: 10, maxMs: 1000, jitter: 0 } });
      for (const want of [10, 20, 40]) {
        const delay = q.addRateLimited('a');
        assert.equal(delay, want);
        clock.advance(delay - 1);
        assert.deepEqual(await drain(q), [], `not before ${want} ms`);
        clock.advance(1);
        assert.deepEqual(await drain(q), ['a'], `at ${want} ms`);
      }
      q.forget('a');
      assert.equal(q.numRequeues('a'), 0);
      assert.equal(q.addRateLimited('a'), 10);
    });

    it('keeps the backoff of each key separate', () => {
      const { q } = newQueue({ backoff: { baseMs: 10, maxMs: 1000, jitter: 0 } });
      q.addRateLimited('a');
      q.addRateLimited('a');
      assert.equal(q.addRateLimited('b'), 10);
      assert.equal(q.addRateLimited('a'), 40);
    });
  });

  describe('remove', () => {
    const cases: { reason: string; setup: (q: WorkQueue<string>) => Promise<void> | void; after?: (q: WorkQueue<string>) => void }[] = [
      { reason: 'a queued key is dropped, others keep their order', setup: (q) => ['x', 'a', 'y'].forEach((k) => q.add(k)) },
      { reason: 'a delayed key never fires', setup: (q) => q.addAfter('a', 10) },
      { reason: 'a key in backoff never fires', setup: (q) => void q.addRateLimited('a') },
      {
        reason: 'a key added while processing is not requeued on done()',
        setup: async (q) => {
          q.add('a');
          await q.get();
          q.add('a');
        },
        after: (q) => q.done('a'),
      },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const { q, clock } = newQueue({ backoff: { baseMs: 10, maxMs: 10, jitter: 0 } });
        await tc.setup(q);
        const others = q.length - 1;
        q.remove('a');
        tc.after?.(q);
        clock.advance(1000);
        const ready = await drain(q);
        assert.ok(!ready.includes('a'), `got ${ready.join(',')}`);
        if (others > 0) assert.deepEqual(ready, ['x', 'y']);
        assert.equal(q.numRequeues('a'), 0);
        assert.equal(q.delayedCount, 0);
        assert.equal(clock.pending, 0);
      });
    }
  });

  describe('shutDown', () => {
    it('releases every waiting worker with undefined, cancels delays and ignores later adds', async () => {
      const { q, clock } = newQueue();
      const waiting = [q.get(), q.get(), q.get()];
      q.addAfter('a', 10);
      void q.addRateLimited('b');
      assert.equal(clock.pending, 2);
      q.shutDown();
      assert.deepEqual(await Promise.all(waiting), [undefined, undefined, undefined]);
      assert.equal(clock.pending, 0);
      assert.equal(q.delayedCount, 0);
      q.add('c');
      q.addAfter('d', 1);
      clock.advance(10_000);
      assert.equal(q.length, 0);
      assert.equal(await q.get(), undefined);
      assert.ok(q.isShuttingDown);
    });
  });

  describe('option validation', () => {
    const cases: { reason: string; backoff: BackoffOptions; want: RegExp }[] = [
      { reason: 'baseMs 0', backoff: { baseMs: 0 }, want: /`backoff\.baseMs`.*got 0/ },
      { reason: 'baseMs negative', backoff: { baseMs: -1 }, want: /`backoff\.baseMs`.*got -1/ },
      { reason: 'baseMs NaN', backoff: { baseMs: NaN }, want: /`backoff\.baseMs`.*got NaN/ },
      { reason: 'maxMs below baseMs', backoff: { baseMs: 100, maxMs: 99 }, want: /`backoff\.maxMs`.*got 99/ },
      { reason: 'jitter below 0', backoff: { jitter: -0.1 }, want: /`backoff\.jitter`.*got -0\.1/ },
      { reason: 'jitter above 1', backoff: { jitter: 1.5 }, want: /`backoff\.jitter`.*got 1\.5/ },
    ];
    for (const tc of cases) {
      it(`rejects ${tc.reason}, naming the option and the value`, () => {
        assert.throws(() => new WorkQueue({ backoff: tc.backoff }), (e: unknown) => e instanceof TypeError && tc.want.test(e.message));
      });
    }
  });
});

/** Let promise continuations (workers resuming after get/release) run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
