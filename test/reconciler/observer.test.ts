/**
 * Observer: one scan per group serves every target of the group, and a worker never gets an
 * observation older than it asked for. Against a fake provider whose scans are deferred promises,
 * so each test decides exactly when a scan finishes.
 */
import assert from 'node:assert/strict';
import type { ConnectTarget, Target } from '../../src/config/types.js';
import { AwsCallError, RetryableError, TerminalError } from '../../src/providers/errors.js';
import type { ActionResult, ObserveOutcome, Provider } from '../../src/providers/types.js';
import { Observer } from '../../src/reconciler/observer.js';
import { connectTarget, INSTANCE, LONDON_INSTANCE, LONDON_REGION, REGION } from '../providers/fixtures.js';

interface Scan {
  group: string;
  keys: string[];
  /** 1-based number of this scan across the provider. */
  n: number;
  answer(): void;
  fail(error: unknown): void;
  answerNotOk(error: AwsCallError): void;
}

/** A Connect-like provider: one group per region + instance; every scan waits for the test. */
class FakeProvider implements Provider<ConnectTarget> {
  readonly service = 'connect' as const;
  readonly scans: Scan[] = [];
  private readonly running = new Map<string, number>();
  /** Most scans of one group that were running at once. */
  maxOverlap = 0;

  groupKey(t: ConnectTarget): string {
    return `${t.region}/${t.instanceId}`;
  }

  observe(targets: ConnectTarget[]): Promise<Map<string, ObserveOutcome>> {
    const group = this.groupKey(targets[0]!);
    const now = (this.running.get(group) ?? 0) + 1;
    this.running.set(group, now);
    this.maxOverlap = Math.max(this.maxOverlap, now);
    const n = this.scans.length + 1;
    return new Promise((resolve, reject) => {
      const end = () => this.running.set(group, this.running.get(group)! - 1);
      this.scans.push({
        group,
        keys: targets.map((t) => t.key).sort(),
        n,
        answer: () => {
          end();
          // Each target is "observed" with the number of the scan that saw it.
          resolve(new Map(targets.map((t) => [t.key, { ok: true, observed: { type: 'connect', key: t.key, associated: new Set([`scan ${n}`]) } }])));
        },
        answerNotOk: (error) => {
          end();
          resolve(new Map(targets.map((t) => [t.key, { ok: false, error }])));
        },
        fail: (error) => {
          end();
          reject(error);
        },
      });
    });
  }

  execute(): Promise<ActionResult> {
    throw new Error('not used');
  }

  last(): Scan {
    return this.scans.at(-1)!;
  }
}

/** Which scan answered an observation ('scan 3'), or the error code. */
function seenBy(o: ObserveOutcome): string {
  if (!o.ok) return `error ${o.error.code}`;
  assert.equal(o.observed.type, 'connect');
  return [...(o.observed.type === 'connect' ? o.observed.associated : [])].join();
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const ws = (i: number) => `00000000-aaaa-bbbb-cccc-${String(i).padStart(12, '0')}`;
const targets = (n: number, region = REGION, instance = INSTANCE) => Array.from({ length: n }, (_, i) => connectTarget(ws(i), region, instance));

function setup(): { p: FakeProvider; obs: Observer } {
  const p = new FakeProvider();
  return { p, obs: new Observer(() => p as Provider<Target> as Provider) };
}

describe('Observer', () => {
  describe('coalescing', () => {
    const cases: { reason: string; register: boolean; n: number }[] = [
      { reason: 'N registered targets of one group asked for at once cost one scan covering all', register: true, n: 50 },
      { reason: 'targets not registered beforehand join the same single scan', register: false, n: 20 },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const { p, obs } = setup();
        const ts = targets(tc.n);
        if (tc.register) obs.setTargets(ts);
        const all = Promise.all(ts.map((t) => obs.observe(t, obs.mark())));
        await flush();
        assert.equal(p.scans.length, 1);
        assert.deepEqual(p.scans[0]!.keys, ts.map((t) => t.key).sort());
        p.scans[0]!.answer();
        assert.deepEqual((await all).map(seenBy), ts.map(() => 'scan 1'));
        assert.equal(obs.scans, 1);
      });
    }

    it('a registered target not yet asked for is observed by the scan of its group', async () => {
      const { p, obs } = setup();
      const [a, b] = targets(2);
      obs.setTargets([a!, b!]);
      const ra = obs.observe(a!, 0);
      await flush();
      p.last().answer();
      await ra;
      assert.deepEqual(p.scans[0]!.keys, [a!.key, b!.key].sort());
      // b is served from that scan, without a call.
      assert.equal(seenBy(await obs.observe(b!, 0)), 'scan 1');
      assert.equal(p.scans.length, 1);
    });
  });

  describe('freshness', () => {
    it('a request whose minSeq is at or after a running scan started waits for the next scan, never the older one', async () => {
      const { p, obs } = setup();
      const [a, b, c] = targets(3);
      obs.setTargets([a!, b!, c!]);
      const ra = obs.observe(a!, 0);
      await flush();
      assert.equal(p.scans.length, 1);
      const changed = obs.mark(); // b changed after scan 1 started
      const rb = obs.observe(b!, changed);
      const rc = obs.observe(c!, 0); // c only needs any scan: it joins scan 1
      await flush();
      assert.equal(p.scans.length, 1, 'no second scan while the first runs');
      p.scans[0]!.answer();
      assert.equal(seenBy(await ra), 'scan 1');
      assert.equal(seenBy(await rc), 'scan 1');
      await flush();
      assert.equal(p.scans.length, 2, 'the next scan starts once the first finished');
      let bDone = false;
      void rb.then(() => (bDone = true));
      await flush();
      assert.equal(bDone, false, 'b is not given scan 1');
      p.scans[1]!.answer();
      assert.equal(seenBy(await rb), 'scan 2');
    });

    it('every request made while a scan runs shares one next scan', async () => {
      const { p, obs } = setup();
      const ts = targets(5);
      obs.setTargets(ts);
      const first = obs.observe(ts[0]!, 0);
      await flush();
      const later = ts.map((t) => obs.observe(t, obs.mark()));
      p.scans[0]!.answer();
      await first;
      await flush();
      assert.equal(p.scans.length, 2);
      p.scans[1]!.answer();
      assert.deepEqual((await Promise.all(later)).map(seenBy), ts.map(() => 'scan 2'));
    });

    const cacheCases: { reason: string; minSeq: (afterScan: number) => number; wantScans: number; want: string }[] = [
      { reason: 'the last scan serves a later request whose minSeq is older than that scan', minSeq: (s) => s - 1, wantScans: 1, want: 'scan 1' },
      { reason: 'a request whose minSeq is the last scan (a change after it started) gets a new scan', minSeq: (s) => s, wantScans: 2, want: 'scan 2' },
    ];
    for (const tc of cacheCases) {
      it(tc.reason, async () => {
        const { p, obs } = setup();
        const [a] = targets(1);
        obs.setTargets([a!]);
        const r1 = obs.observe(a!, 0);
        await flush();
        const seq = obs.mark();
        p.last().answer();
        await r1;
        const r2 = obs.observe(a!, tc.minSeq(seq));
        await flush();
        assert.equal(p.scans.length, tc.wantScans);
        if (tc.wantScans > 1) p.last().answer();
        assert.equal(seenBy(await r2), tc.want);
      });
    }

    it('observeAll: one scan serves the whole group, and a second instance that fails lands in errors, sorted', async () => {
      const { p, obs } = setup();
      const ok = targets(3);
      const bad = targets(2, REGION, '99999999-1111-2222-3333-444455556666');
      const all = obs.observeAll([...bad, ...ok], 0);
      await flush();
      assert.equal(p.scans.length, 2, 'one scan per group');
      const failure = new TerminalError({ service: 'connect', region: REGION, operation: 'SearchWorkspaceAssociations', code: 'ResourceNotFoundException', awsMessage: 'no such instance' });
      for (const sc of p.scans) if (sc.keys.some((k) => k.includes('99999999'))) sc.answerNotOk(failure); else sc.answer();
      const r = await all;
      assert.deepEqual([...r.observed.keys()].sort(), ok.map((t) => t.key).sort());
      assert.deepEqual(r.errors.map((e) => e.target.key), bad.map((t) => t.key).sort());
      assert.ok(r.errors.every((e) => e.error === failure));
    });

    it('a target added to the group after a scan started is not left without an answer: it gets the next scan', async () => {
      const { p, obs } = setup();
      const [a, b] = targets(2);
      obs.setTargets([a!]);
      const ra = obs.observe(a!, 0);
      await flush();
      const rb = obs.observe(b!, 0); // joins the running scan, which does not cover b
      p.scans[0]!.answer();
      await ra;
      await flush();
      assert.equal(p.scans.length, 2);
      assert.ok(p.scans[1]!.keys.includes(b!.key));
      p.scans[1]!.answer();
      assert.equal(seenBy(await rb), 'scan 2');
    });
  });

  describe('failures', () => {
    const denied = new TerminalError({ service: 'connect', region: REGION, operation: 'SearchWorkspaceAssociations', code: 'AccessDeniedException', awsMessage: 'no' });
    const cases: { reason: string; fail: (s: Scan) => void; want: { class: typeof AwsCallError; code: string } }[] = [
      {
        reason: 'a scan answering not-ok outcomes is passed on and not cached',
        fail: (s) => s.answerNotOk(denied),
        want: { class: TerminalError, code: 'AccessDeniedException' },
      },
      {
        reason: 'a scan rejecting with an AwsCallError becomes that error for every target, not cached',
        fail: (s) => s.fail(denied),
        want: { class: TerminalError, code: 'AccessDeniedException' },
      },
      {
        reason: 'a scan rejecting with anything else becomes a retryable ObserveFailed, not cached',
        fail: (s) => s.fail(new Error('socket hang up')),
        want: { class: RetryableError, code: 'ObserveFailed' },
      },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const { p, obs } = setup();
        const ts = targets(3);
        obs.setTargets(ts);
        const r = Promise.all(ts.map((t) => obs.observe(t, 0)));
        await flush();
        tc.fail(p.last());
        for (const o of await r) {
          assert.ok(!o.ok);
          assert.ok(o.error instanceof tc.want.class);
          assert.equal(o.error.code, tc.want.code);
        }
        // Not cached: even a request content with any scan calls again.
        const again = obs.observe(ts[0]!, 0);
        await flush();
        assert.equal(p.scans.length, 2);
        p.last().answer();
        assert.equal(seenBy(await again), 'scan 2');
      });
    }

    it('a failed scan does not replace an older good one for requests it satisfies', async () => {
      const { p, obs } = setup();
      const [a] = targets(1);
      const r1 = obs.observe(a!, 0);
      await flush();
      p.last().answer();
      await r1;
      const r2 = obs.observe(a!, obs.mark());
      await flush();
      p.last().fail(new Error('boom'));
      assert.equal(seenBy(await r2), 'error ObserveFailed');
      assert.equal(seenBy(await obs.observe(a!, 0)), 'scan 1');
      assert.equal(p.scans.length, 2);
    });
  });

  describe('groups', () => {
    it('are independent: scans of two instances run side by side, and one failing does not touch the other', async () => {
      const { p, obs } = setup();
      const east = targets(2);
      const london = targets(2, LONDON_REGION, LONDON_INSTANCE);
      obs.setTargets([...east, ...london]);
      const r = Promise.all([...east, ...london].map((t) => obs.observe(t, 0)));
      await flush();
      assert.equal(p.scans.length, 2);
      assert.deepEqual(p.scans.map((s) => s.group).sort(), [`${LONDON_REGION}/${LONDON_INSTANCE}`, `${REGION}/${INSTANCE}`]);
      p.scans.find((s) => s.group.startsWith(LONDON_REGION))!.fail(new Error('boom'));
      p.scans.find((s) => s.group.startsWith(REGION))!.answer();
      const seen = (await r).map(seenBy);
      const eastScan = p.scans.find((s) => s.group.startsWith(REGION))!.n;
      assert.deepEqual(seen, [`scan ${eastScan}`, `scan ${eastScan}`, 'error ObserveFailed', 'error ObserveFailed']);
      // East is cached, London is not.
      const again = [obs.observe(east[0]!, 0), obs.observe(london[0]!, 0)];
      await flush();
      assert.equal(p.scans.length, 3);
      assert.equal(p.last().group, `${LONDON_REGION}/${LONDON_INSTANCE}`);
      p.last().answer();
      assert.deepEqual((await Promise.all(again)).map(seenBy), [`scan ${eastScan}`, 'scan 3']);
    });

    it('scans of one group never overlap, however requests interleave', async () => {
      const { p, obs } = setup();
      const ts = targets(4);
      obs.setTargets(ts);
      const pending: Promise<ObserveOutcome>[] = [];
      const answered = new Set<number>();
      // Rounds of: a few workers ask (some wanting fresh data), then the oldest running scan ends.
      for (let round = 0; round < 30; round++) {
        for (const [i, t] of ts.entries()) if ((round + i) % 3 !== 0) pending.push(obs.observe(t, i % 2 === 0 ? obs.mark() : 0));
        await flush();
        const open = p.scans.filter((s) => !answered.has(s.n));
        assert.ok(open.length <= 1, `round ${round}: ${open.length} scans of one group running`);
        if (open[0]) {
          answered.add(open[0].n);
          open[0].answer();
        }
        await flush();
      }
      while (p.scans.some((s) => !answered.has(s.n))) {
        const s = p.scans.find((x) => !answered.has(x.n))!;
        answered.add(s.n);
        s.answer();
        await flush();
      }
      const results = await Promise.all(pending);
      assert.ok(results.every((o) => o.ok));
      assert.equal(p.maxOverlap, 1);
      // At most one scan per round (plus the one the last round queued), not one per request.
      assert.ok(p.scans.length <= 31, `${p.scans.length} scans for ${pending.length} requests`);
    });
  });

  describe('due targets (what a scan is asked for)', () => {
    /** Remembers the due set of each scan. */
    class DueProvider extends FakeProvider {
      readonly dues: string[][] = [];
      override observe(ts: ConnectTarget[], _signal?: AbortSignal, due?: ReadonlySet<string>): Promise<Map<string, ObserveOutcome>> {
        this.dues.push([...(due ?? [])].sort());
        return super.observe(ts);
      }
    }

    it('the workers waiting, and the queued targets no observation is fresh enough for; not the others', async () => {
      const p = new DueProvider();
      const ts = targets(4);
      // Target 0 asks; 1 and 2 are queued (1 with a change after the first scan, 2 without); 3 is not queued.
      const queued = new Map<string, number>();
      const obs = new Observer(() => p as Provider<Target> as Provider, undefined, (key) => queued.get(key));
      obs.setTargets(ts);
      const first = obs.observe(ts[0]!, 0);
      await flush();
      assert.deepEqual(p.dues[0], [ts[0]!.key]);
      p.last().answer();
      await first;
      queued.set(ts[1]!.key, obs.mark()); // changed after the first scan: stale
      queued.set(ts[2]!.key, 0); // the first scan is fresh enough for it
      const second = obs.observe(ts[0]!, obs.mark());
      await flush();
      assert.deepEqual(p.dues[1], [ts[0]!.key, ts[1]!.key].sort());
      p.last().answer();
      assert.equal(seenBy(await second), 'scan 2');
      // Target 2 is served by what was observed already, without a call (scan 2 saw it too, for free).
      assert.equal(seenBy(await obs.observe(ts[2]!, 0)), 'scan 2');
      assert.equal(p.scans.length, 2);
    });

    it('keeps the observations that succeeded: one target AWS would not describe does not send the others back to AWS', async () => {
      const failing = new TerminalError({ service: 'connect', region: REGION, operation: 'SearchWorkspaceAssociations', code: 'ResourceNotFoundException', awsMessage: 'gone' });
      class MixedProvider extends FakeProvider {
        failKey?: string;
        override observe(ts: ConnectTarget[]): Promise<Map<string, ObserveOutcome>> {
          return super.observe(ts).then((m) => (this.failKey ? m.set(this.failKey, { ok: false, error: failing }) : m));
        }
      }
      const p = new MixedProvider();
      const obs = new Observer(() => p as Provider<Target> as Provider);
      const ts = targets(3);
      obs.setTargets(ts);
      p.failKey = ts[2]!.key;
      const all = Promise.all(ts.map((t) => obs.observe(t, 0)));
      await flush();
      p.last().answer();
      assert.deepEqual((await all).map(seenBy), ['scan 1', 'scan 1', 'error ResourceNotFoundException']);
      p.failKey = undefined;
      // The two observed are reused; only the failed one is asked again.
      const again = Promise.all(ts.map((t) => obs.observe(t, 0)));
      await flush();
      assert.equal(p.scans.length, 2);
      p.last().answer();
      assert.deepEqual((await again).map(seenBy), ['scan 1', 'scan 1', 'scan 2']);
    });
  });
});
