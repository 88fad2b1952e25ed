/**
 * The retry-storm check: many calls of one operation (ListWorkspaces: the Connect default quota) through the RateLimiter, configured at the
 * sandbox's quota, with real SDK clients. Throttling must stay rare and every call must succeed.
 */
import assert from 'node:assert/strict';
import { ListWorkspacesCommand } from '@aws-sdk/client-connect';
import type { CallInfo } from '../../src/providers/types.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import type { CallEvent, RateLimit } from '../../src/reconciler/ratelimit.js';
import type { QuotaOptions } from '../../src/sandbox/index.js';
import { INSTANCE, REGION, startHarness, type Harness } from '../providers/fixtures.js';

describe('retry storm against the sandbox quotas (real SDK)', function () {
  this.timeout(15_000);
  let h: Harness | undefined;
  let rl: RateLimiter | undefined;
  afterEach(async () => {
    rl?.close();
    await h?.close();
    h = rl = undefined;
  });

  const cases: { reason: string; quotas: QuotaOptions; limit: RateLimit }[] = [
    {
      reason: "Connect's quota ×50 (100/s, burst 250): 300 calls, limiter at the same rate",
      quotas: { scale: 50 },
      limit: { rate: 100, burst: 250 },
    },
  ];
  for (const tc of cases) {
    it(`${tc.reason}: under 2 % throttled, every call succeeds`, async () => {
      h = await startHarness({ quotas: tc.quotas, now: Date.now }, 1);
      const events: CallEvent[] = [];
      const limiter = (rl = new RateLimiter({ limits: { connect: tc.limit }, cooldownMs: 10, maxCooldownMs: 100, onCall: (e) => events.push(e) }));
      const client = h.clients.connect(REGION);
      const info: CallInfo = { service: 'connect', region: REGION, operation: 'ListWorkspaces' };
      const starts: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 300 }, () =>
          limiter.call(info, () => {
            starts.push(Date.now());
            return client.send(new ListWorkspacesCommand({ InstanceId: INSTANCE, MaxResults: 1 }));
          }),
        ),
      );
      assert.equal(results.length, 300);
      // The limiter did hold calls beyond the burst for a window (burst / rate seconds).
      const windowMs = (1000 * tc.limit.burst) / tc.limit.rate;
      // (Without the limiter all 300 start at once; the slack is for a loaded machine, where the
      // first call's own timestamp can be taken a few ms after p-queue's.)
      assert.ok(starts[tc.limit.burst]! - starts[0]! >= windowMs - 50, `call ${tc.limit.burst + 1} started ${starts[tc.limit.burst]! - starts[0]!} ms after the first`);
      const answered = h.callsOf('ListWorkspaces');
      const throttled = answered.filter((c) => c.throttled).length;
      assert.equal(answered.length - throttled, 300, 'every call succeeded once');
      assert.ok(throttled < 300 * 0.02, `${throttled} of ${answered.length} answers were throttles`);
      assert.equal(events.filter((e) => e.outcome === 'throttled').length, throttled);
    });
  }
});

describe('the limiter adapts when AWS allows less than it was told (real SDK)', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  let rl: RateLimiter | undefined;
  afterEach(async () => {
    rl?.close();
    await h?.close();
    h = rl = undefined;
  });

  it('quota 50/s (burst 10) against a limiter set to 200/s: every call succeeds, few throttles', async () => {
    h = await startHarness({ quotas: { connect: { rate: 50, burst: 10 } }, now: Date.now }, 1);
    const events: CallEvent[] = [];
    const limiter = (rl = new RateLimiter({ limits: { connect: { rate: 200, burst: 20 } }, cooldownMs: 20, maxCooldownMs: 200, onCall: (e) => events.push(e) }));
    const client = h.clients.connect(REGION);
    const info: CallInfo = { service: 'connect', region: REGION, operation: 'ListWorkspaces' };
    const calls = 200;
    const failed = (await Promise.all(Array.from({ length: calls }, () => limiter.call(info, () => client.send(new ListWorkspacesCommand({ InstanceId: INSTANCE, MaxResults: 1 }))).then(() => 0, () => 1)))).reduce((a: number, b) => a + b, 0);
    const answered = h.callsOf('ListWorkspaces');
    const throttled = answered.filter((c) => c.throttled).length;
    assert.equal(failed, 0, 'no call was given up');
    assert.equal(answered.length - throttled, calls, 'every call succeeded once');
    // Without the memory of the throttled rate, recovering by steps toward 200/s throttled two in
    // three answers; with it, about 3 % on an idle machine. A loaded machine fires timers late and
    // in clumps (18 of 218 seen with two cores busy), so the bound leaves room for that.
    assert.ok(throttled <= calls * 0.25, `${throttled} of ${answered.length} answers were throttles`);
  });
});
