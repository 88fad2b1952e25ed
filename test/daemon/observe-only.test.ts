/**
 * The Daemon in observe-only mode, in process (harness.ts): what changes in the daemon itself
 * when it only watches. (The built CLI over many cycles is in observe-only-cli.test.ts.)
 */
import assert from 'node:assert/strict';
import { isMutating, waitFor } from '../cli/helpers.js';
import { startWorld, type DaemonWorld } from './harness.js';

describe('daemon: observe-only', () => {
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('loads a desired state whose removals exceed --max-prune (nothing is removed) and reports them as drift, ready, with no mutating call', async () => {
    // The demo removes 2 associations; a normal daemon refuses it under --max-prune 0.
    w = await startWorld({ daemon: { observeOnly: true, maxPrune: 0 } });
    const world = w;
    await waitFor('the first reconcile', () => world.logged('first reconcile finished').length === 1);
    assert.equal(world.logged('desired state applied').length, 1);
    assert.equal(world.logged('desired state not applied').length, 0);
    const states = [...world.daemon.reconciler.targetStates()];
    assert.equal(states.reduce((n, st) => n + (st.drift?.extra ?? 0), 0), 2);
    assert.equal(states.reduce((n, st) => n + (st.drift?.missing ?? 0), 0), 40);
    assert.ok(states.every((st) => st.status === 'drifted' || st.status === 'converged'), states.map((st) => st.status).join());
    assert.equal(states.filter((st) => st.held).length, 0, 'nothing is held: nothing was going to be made');
    const readiness = world.daemon.readiness();
    assert.equal(readiness.ready, true);
    assert.equal(readiness.reason, `observing 11 targets (observe-only), ${states.filter((st) => st.status === 'drifted').length} drifting`);
    assert.equal(await world.metric('workspace_reconciler_targets', { kind: 'connect', status: 'drifted' }), states.filter((st) => st.target.type === 'connect' && st.status === 'drifted').length);
    assert.equal(await world.metric('workspace_reconciler_removals_held', { kind: 'connect', reason: 'max-prune' }), 0);
    assert.deepEqual(world.sandbox.calls.filter(isMutating).map((c) => c.operation), []);
  });
});
