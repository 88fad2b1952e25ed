/**
 * The daemon in process against the sandbox: convergence and readiness, full resyncs (asked for
 * and on the interval), injected faults, the git revision it records, and stop()'s bounded drain.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { seededRandom } from '../../src/sandbox/index.js';
import { agentArn, assertConverged, INSTANCE, WORKSPACE } from '../cli/demo-world.js';
import { mutatingCalls, waitFor } from '../cli/helpers.js';
import { addSlackToCallCenter, edit, settled, startWorld, type DaemonWorld } from './harness.js';

const supportFloor = (w: DaemonWorld) => w.sandbox.connectAssociations('us-east-1', INSTANCE, WORKSPACE.supportFloor);

describe('daemon', () => {
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('converges the demo world at start; not ready until the first reconcile finished, ready after', async () => {
    // Slow answers keep the first pass in progress long enough to look at it.
    w = await startWorld({ start: false, sandbox: { faults: { latencyMs: 40 } } });
    assert.deepEqual(w.daemon.readiness(), { ready: false, reason: 'no valid desired state loaded yet' });
    assert.equal(await w.daemon.start(), true);
    assert.deepEqual(w.daemon.readiness(), { ready: false, reason: 'first reconcile not finished' });
    w.sandbox.setFaults({ latencyMs: 0 });
    await waitFor('readiness', () => w!.daemon.readiness().ready);
    assert.equal(w.logged('first reconcile finished').length, 1);
    await w.daemon.reconciler.whenSettled();
    assertConverged(w.sandbox);
    assert.deepEqual(w.daemon.readiness(), { ready: true, reason: 'enforcing 11 targets' });
    assert.deepEqual(w.logged('desired state applied').map((l) => [l.reason, l.files, l.targets, l.added, l.removals]), [['start', 5, 11, 11, 2]]);
  });

  const resyncs = [
    { reason: 'daemon.resync() (SIGHUP)', intervalMs: undefined },
    { reason: 'the interval resync, by itself', intervalMs: 100 },
  ];
  for (const tc of resyncs) {
    it(`drift made behind the daemon's back is corrected by ${tc.reason}`, async () => {
      w = await startWorld({ daemon: tc.intervalMs ? { intervalMs: tc.intervalMs } : {} });
      const world = w;
      await settled(world);
      await world.clients.connect('us-east-1').send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WORKSPACE.supportFloor, ResourceArns: [agentArn(3)] }));
      assert.ok(!supportFloor(world).includes(agentArn(3)));
      const mark = world.sandbox.calls.length;
      if (tc.intervalMs === undefined) await world.daemon.resync('test');
      await waitFor('agent03 back on the Support floor', () => supportFloor(world).includes(agentArn(3)));
      await settled(world);
      assertConverged(world.sandbox);
      const again = world.sandbox.calls.slice(mark).filter((c) => c.operation === 'AssociateWorkspace');
      assert.deepEqual(again.map((c) => c.input.ResourceArns), [[agentArn(3)]], 'only the drifted ARN is re-added');
      assert.ok(world.logged('full resync').length >= 1);
      assert.deepEqual(world.logged('desired state applied').length, 1, 'a resync of unchanged files is no new desired state');
    });
  }

  it('keeps converging through injected faults (throttling, 500s, connection resets)', async () => {
    w = await startWorld({ sandbox: { random: seededRandom(7), faults: { throttleRate: 0.2, errorRate: 0.1, resetRate: 0.05 } } });
    const world = w;
    await settled(world, 20_000);
    assertConverged(world.sandbox);
    const faults = new Set(world.sandbox.calls.map((c) => c.fault).filter(Boolean));
    assert.deepEqual([...faults].sort(), ['error', 'reset', 'throttle'], 'every kind of fault happened');
    // A file edit is still applied under the same faults.
    await edit(world.file('workspaces', 'call-center.yaml'), addSlackToCallCenter);
    await waitFor('Slack on ws-cc00000004', () => world.sandbox.workspaceAssociations('us-east-1', 'ws-cc00000004').some((a) => a.applicationId === 'wsa-slack00001' && a.state === 'COMPLETED'), { timeoutMs: 20_000 });
    await settled(world, 20_000);
  });

  it('records the git revision of the desired state, and the new one after a commit', async () => {
    const first = 'a'.repeat(40);
    const second = 'b'.repeat(40);
    const setRef = (dir: string, commit: string) => writeFile(join(dir, '.git', 'refs', 'heads', 'main'), `${commit}\n`);
    w = await startWorld({
      prepare: async (dir) => {
        await mkdir(join(dir, '.git', 'refs', 'heads'), { recursive: true });
        await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
        await setRef(dir, first);
      },
    });
    const world = w;
    await settled(world);
    assert.equal(world.daemon.revision, first);
    assert.equal(world.daemon.readiness().reason, `enforcing 11 targets at ${first.slice(0, 12)}`);
    assert.equal(world.logged('desired state applied')[0].revision, first);
    assert.equal(await world.metric('workspace_reconciler_desired_state_info', { revision: first, files: '5', documents: '6', targets: '11' }), 1);

    await setRef(world.dir, second);
    await edit(world.file('workspaces', 'call-center.yaml'), addSlackToCallCenter);
    await waitFor('the new revision', () => world.daemon.revision === second);
    assert.equal(await world.metric('workspace_reconciler_desired_state_info', { revision: second, files: '5', documents: '6', targets: '11' }), 1);
    assert.equal(await world.metric('workspace_reconciler_desired_state_info', { revision: first, files: '5', documents: '6', targets: '11' }), undefined, 'one info series at a time');
  });

  it('without a git repository the revision is "unknown"', async () => {
    w = await startWorld();
    await settled(w);
    assert.equal(w.daemon.revision, undefined);
    assert.equal(await w.metric('workspace_reconciler_desired_state_info', { revision: 'unknown', files: '5', documents: '6', targets: '11' }), 1);
  });

  it('an empty desired state with allowEmpty: started, and ready (there is nothing to reconcile)', async () => {
    w = await startWorld({ daemon: { allowEmpty: true }, prepare: async (dir) => {
      await rm(join(dir, 'connect'), { recursive: true });
      await rm(join(dir, 'workspaces'), { recursive: true });
      await mkdir(join(dir, 'connect'));
      await mkdir(join(dir, 'workspaces'));
    } });
    await waitFor('readiness', () => w!.daemon.readiness().ready, { timeoutMs: 2000 });
    assert.deepEqual(w.daemon.readiness(), { ready: true, reason: 'enforcing 0 targets' });
    assert.deepEqual(w.sandbox.calls, []);
  });

  it('logs AWS going unreachable once at warn, and coming back once at info', async () => {
    w = await startWorld();
    const world = w;
    await settled(world);
    const outages = () => world.logs.filter((l) => l.msg === 'AWS is not answering' || l.msg === 'AWS answering again').map((l) => [l.level, l.msg, l.code]);
    assert.deepEqual(outages(), []);
    // Every scan fails with a 500 (after the SDK's own retries): the work queue retries each target several times.
    world.sandbox.setFaults({ errorRate: 1, operations: ['SearchWorkspaceAssociations'] });
    await world.daemon.resync('test');
    await waitFor('the warning', () => outages().length > 0);
    const mark = world.sandbox.calls.length;
    await waitFor('more failed scans (retries)', () => world.sandbox.calls.slice(mark).filter((c) => c.status === 500).length >= 9);
    assert.deepEqual(outages(), [[40, 'AWS is not answering', 'InternalServiceException']], 'one warning, not one per retry');
    assert.equal(world.daemon.readiness().ready, false);
    world.sandbox.setFaults({ errorRate: 0, operations: [] });
    await settled(world);
    assert.deepEqual(outages(), [[40, 'AWS is not answering', 'InternalServiceException'], [30, 'AWS answering again', undefined]]);
  });

  it('an endpoint no target uses any more does not hold readiness down after a reload', async () => {
    w = await startWorld();
    const world = w;
    await settled(world);
    // As if the last call to a region that a removed document used had failed.
    world.daemon.onCall({ service: 'connect', region: 'eu-west-3', operation: 'SearchWorkspaceAssociations', outcome: 'retryable', durationMs: 1, errorCode: 'ECONNRESET' });
    assert.deepEqual(world.daemon.readiness(), { ready: false, reason: 'AWS is not answering (timeouts, network errors or 5xx): connect eu-west-3' });
    await world.daemon.resync('test');
    assert.equal(world.daemon.readiness().ready, true, world.daemon.readiness().reason);
  });

  describe('stop()', () => {
    it('resolves true when idle, without waiting for its timeout', async () => {
      w = await startWorld();
      await settled(w);
      const t0 = Date.now();
      // true means drained (the timeout resolves false); the bound is far below the timeout.
      assert.equal(await w.daemon.stop(60_000), true);
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    });

    // Bounds that hold on a loaded machine: a drain waits for the slow answers (the queues are idle
    // afterwards); a timed-out drain returns long before those answers could come.
    const drains = [
      { reason: 'waits for the calls in flight and resolves true', latencyMs: 1000, timeoutMs: 15_000, drained: true },
      { reason: 'gives up after the timeout and resolves false', latencyMs: 8000, timeoutMs: 200, drained: false },
    ];
    for (const tc of drains) {
      it(`with calls in flight: ${tc.reason}`, async () => {
        w = await startWorld();
        const world = w;
        await settled(world);
        world.sandbox.setFaults({ latencyMs: tc.latencyMs });
        const mark = world.sandbox.calls.length;
        await world.daemon.resync('test');
        await waitFor('a key in progress', () => world.daemon.reconciler.queues.connect.activeCount > 0);
        // As the run command does: no new calls, then wait for those in flight.
        world.abort.abort();
        const t0 = Date.now();
        assert.equal(await world.daemon.stop(tc.timeoutMs), tc.drained);
        const took = Date.now() - t0;
        const active = Object.values(world.daemon.reconciler.queues).reduce((n, q) => n + q.activeCount, 0);
        if (tc.drained) {
          // The scans that were in flight were answered and nothing new was started.
          assert.equal(active, 0, 'nothing in flight after a drain');
          assert.ok(world.sandbox.calls.length > mark);
          assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), []);
        } else {
          assert.ok(took >= tc.timeoutMs - 5, `gave up after ${took} ms, before the timeout`);
          assert.ok(took < tc.latencyMs / 2, `gave up after ${took} ms: it waited for the answers`);
          assert.ok(active > 0, 'the slow calls were still in flight');
        }
      });
    }
  });
});
