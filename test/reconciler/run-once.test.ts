/**
 * runOnce's time bounds (DESIGN.md, "Every AWS call is bounded in time"): after the deadline,
 * calls in flight get the shutdown grace to finish and are then left behind, so the run always
 * ends at deadline + grace, whatever AWS does. Real sandbox, real SDK, real limiter.
 */
import assert from 'node:assert/strict';
import type { CallGate } from '../../src/providers/types.js';
import { runOnce } from '../../src/reconciler/run-once.js';
import { BILLING_DESK, agent, connect, startWorld, type World } from './world.js';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A gate that holds every AssociateWorkspace until `release` resolves, telling `started` when one is held. */
function holding(release: Promise<void>, started: Deferred): (limiter: CallGate) => CallGate {
  return (limiter) => ({
    call(info, send) {
      if (info.operation !== 'AssociateWorkspace') return limiter.call(info, send);
      return limiter.call(info, async () => {
        started.resolve();
        await release;
        return send();
      });
    },
  });
}

describe('runOnce: the shutdown grace', function () {
  this.timeout(20_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('a mutating call in flight at the deadline is awaited within the grace: its outcome is known, nothing abandoned', async () => {
    w = await startWorld();
    const t = connect(BILLING_DESK, [agent(1)]);
    const release = deferred();
    const started = deferred();
    const run = w.run([t], { start: false, gate: holding(release.promise, started) });
    // Release the held call only after the deadline has passed.
    run.abort.signal.addEventListener('abort', () => setImmediate(release.resolve), { once: true });
    const result = await runOnce({ reconciler: run.reconciler, targets: [t], maxPrune: 100, timeoutMs: 200, shutdownGraceMs: 10_000, signal: new AbortController().signal, deadline: run.abort });
    await started.promise;
    assert.deepEqual(result, { timedOut: true, interrupted: false, abandoned: false });
    assert.deepEqual(w.live(t), [agent(1)], 'the call finished during the grace and took effect');
  });

  it('a call that never answers is left behind when the grace runs out: the run ends, saying so', async () => {
    w = await startWorld({ faults: { hangs: [{ operation: 'AssociateWorkspace' }] } });
    const t = connect(BILLING_DESK, [agent(1)]);
    const run = w.run([t], { start: false });
    const begun = Date.now();
    const result = await runOnce({ reconciler: run.reconciler, targets: [t], maxPrune: 100, timeoutMs: 200, shutdownGraceMs: 300, signal: new AbortController().signal, deadline: run.abort });
    assert.deepEqual(result, { timedOut: true, interrupted: false, abandoned: true });
    assert.ok(Date.now() - begun >= 200 + 300 - 5, 'it waited the grace before leaving the call behind');
    assert.equal(w.sandbox.calls.filter((c) => c.operation === 'AssociateWorkspace' && c.fault === 'hang').length, 1, 'the call was in flight, not dropped before sending');
  });

  it('an interruption (SIGTERM) starts the same grace: the call in flight finishes, no new one starts', async () => {
    w = await startWorld();
    const t = connect(BILLING_DESK, [agent(1), agent(2)]);
    const release = deferred();
    const started = deferred();
    const interrupt = new AbortController();
    const run = w.run([t], { start: false, gate: holding(release.promise, started) });
    void started.promise.then(() => {
      interrupt.abort();
      setImmediate(release.resolve);
    });
    const result = await runOnce({ reconciler: run.reconciler, targets: [t], maxPrune: 100, timeoutMs: 60_000, shutdownGraceMs: 10_000, signal: interrupt.signal, deadline: run.abort });
    assert.deepEqual(result, { timedOut: false, interrupted: true, abandoned: false });
    assert.equal(w.sandbox.calls.filter((c) => c.operation === 'AssociateWorkspace').length, 1, 'one batch, in flight at the interruption');
    assert.deepEqual(w.live(t), [agent(1), agent(2)]);
  });
});
