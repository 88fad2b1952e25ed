/**
 * The daemon's metrics after known work: a converge of the demo world from its seed, whose
 * numbers are known (DESIGN.md's demo: 40 associations, 2 removals, 11 targets), counted
 * against what the sandbox itself answered.
 */
import assert from 'node:assert/strict';
import type { DeployOutcomeFault } from '../../src/sandbox/index.js';
import { waitFor } from '../cli/helpers.js';
import { sample, samples, settled, startWorld, waitForAsync, type DaemonWorld } from './harness.js';

const KINDS = ['connect', 'workspaces'] as const;

describe('daemon: metrics', () => {
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('after converging the demo world: reconciles, AWS calls, queues, desired state, timestamps', async () => {
    const t0 = Date.now();
    w = await startWorld();
    const world = w;
    await settled(world);
    const text = await world.metrics.registry.metrics();
    const m = (name: string, labels: Record<string, string> = {}) => sample(text, name, labels);

    // Every AWS call the sandbox answered is counted once, by service, operation and outcome.
    const answered = new Map<string, number>();
    for (const c of world.sandbox.calls) {
      const k = `${c.service} ${c.operation} ${c.status === 200 ? 'success' : 'other'}`;
      answered.set(k, (answered.get(k) ?? 0) + 1);
    }
    const counted = new Map(samples(text, 'workspace_reconciler_aws_calls_total').map((s) => [`${s.labels.service} ${s.labels.operation} ${s.labels.outcome}`, s.value]));
    assert.deepEqual(counted, answered);
    assert.equal(m('workspace_reconciler_aws_calls_total', { account: 'default', service: 'connect', operation: 'AssociateWorkspace', outcome: 'success' }), world.sandbox.calls.filter((c) => c.operation === 'AssociateWorkspace').length);
    assert.equal(samples(text, 'workspace_reconciler_aws_call_duration_seconds_count').reduce((n, s) => n + s.value, 0), world.sandbox.calls.length);

    // 4 Connect targets converge in one pass each; the 7 WorkSpaces wait for their deployments first.
    assert.equal(m('controller_runtime_reconcile_total', { controller: 'connect', result: 'success' }), 4);
    assert.equal(m('controller_runtime_reconcile_total', { controller: 'connect', result: 'error' }), 0);
    assert.equal(m('controller_runtime_reconcile_total', { controller: 'workspaces', result: 'success' }), 7);
    assert.ok(m('controller_runtime_reconcile_total', { controller: 'workspaces', result: 'requeue_after' })! >= 7);
    for (const k of KINDS) {
      const passes = samples(text, 'controller_runtime_reconcile_total').filter((s) => s.labels.controller === k).reduce((n, s) => n + s.value, 0);
      assert.equal(m('controller_runtime_reconcile_time_seconds_count', { controller: k }), passes, k);
      assert.equal(m('controller_runtime_reconcile_errors_total', { controller: k }), 0, `${k}: no error`);
      assert.equal(m('workqueue_depth', { name: k }), 0, k);
      assert.equal(m('controller_runtime_active_workers', { controller: k }), 0, k);
      assert.equal(m('workspace_reconciler_terminal_failures', { kind: k }), 0, k);
      assert.equal(m('workspace_reconciler_drift_targets', { kind: k }), 0, `${k}: nothing drifts`);
      const at = m('workspace_reconciler_last_successful_reconcile_timestamp_seconds', { controller: k })!;
      assert.ok(at >= t0 / 1000 && at <= Date.now() / 1000, `${k} last success at ${at}`);
    }
    assert.equal(m('workqueue_adds_total', { name: 'connect' }), 4);
    assert.ok(m('workqueue_adds_total', { name: 'workspaces' })! >= 7);
    assert.equal(m('workspace_reconciler_targets', { kind: 'connect', status: 'converged' }), 4);
    assert.equal(m('workspace_reconciler_targets', { kind: 'workspaces', status: 'converged' }), 7);
    assert.equal(m('workspace_reconciler_desired_state_info', { revision: 'unknown', files: '5', documents: '6', targets: '11' }), 1);
    assert.equal(m('workspace_reconciler_desired_state_reloads_total', { result: 'applied' }), 1);
    assert.equal(m('workspace_reconciler_desired_state_valid'), 1);
    assert.deepEqual(samples(text, 'workspace_reconciler_drift_associations'), [], 'no per-target drift series once converged');
    assert.deepEqual(samples(text, 'workspace_reconciler_drift_since_timestamp_seconds'), []);
  });

  it('a terminal deployment failure (ValidationError) is counted while it lasts', async () => {
    const fault: DeployOutcomeFault = { workspaceId: 'ws-cc00000003', applicationId: 'wsa-office0001', errorCode: 'ValidationError.InsufficientDiskSpace' };
    w = await startWorld({ sandbox: { faults: { deployOutcomes: [fault] } } });
    const world = w;
    await settled(world);
    const text = await world.metrics.registry.metrics();
    const m = (name: string, labels: Record<string, string> = {}) => sample(text, name, labels);
    assert.equal(m('workspace_reconciler_terminal_failures', { kind: 'workspaces' }), 1);
    assert.equal(m('workspace_reconciler_terminal_failures', { kind: 'connect' }), 0);
    assert.equal(m('workspace_reconciler_targets', { kind: 'workspaces', status: 'failed' }), 1);
    assert.equal(m('workspace_reconciler_targets', { kind: 'workspaces', status: 'converged' }), 6);
    assert.ok(m('controller_runtime_terminal_reconcile_errors_total', { controller: 'workspaces' })! >= 1);
    assert.equal(m('controller_runtime_terminal_reconcile_errors_total', { controller: 'connect' }), 0);
  });

  it('drift is reported per target while the first pass is in flight, and its series are gone once converged', async () => {
    // Slow answers hold every target between its plan and its result.
    const t0 = Date.now();
    w = await startWorld({ sandbox: { faults: { latencyMs: 300 } } });
    const world = w;
    const supervisors = 'connect/us-east-1/4c1b2f0e-1111-2222-3333-444455556666/5f4e3d2c-aaaa-bbbb-cccc-444455556666';
    // The demo's plan removes agent20 (Supervisors) and Zoom (ws-cc00000001), and adds on both sides.
    const total = (text: string, kind: string, direction: string) =>
      samples(text, 'workspace_reconciler_drift_associations').filter((s) => s.labels.kind === kind && s.labels.direction === direction).reduce((n, s) => n + s.value, 0);
    let seen = '';
    await waitForAsync('drift on both sides, in both directions', async () => {
      seen = await world.metrics.registry.metrics();
      return total(seen, 'connect', 'missing') > 0 && total(seen, 'connect', 'extra') === 1 && total(seen, 'workspaces', 'missing') > 0 && total(seen, 'workspaces', 'extra') === 1;
    }, { intervalMs: 5 });
    assert.equal(sample(seen, 'workspace_reconciler_drift_associations', { kind: 'connect', target: supervisors, document: 'supervisors', direction: 'extra' }), 1);
    const since = sample(seen, 'workspace_reconciler_drift_since_timestamp_seconds', { kind: 'connect', target: supervisors, document: 'supervisors' })!;
    assert.ok(since >= t0 / 1000 && since <= Date.now() / 1000, `since ${since}`);
    assert.ok(sample(seen, 'workspace_reconciler_drift_targets', { kind: 'connect' })! >= 1);
    world.sandbox.setFaults({ latencyMs: 0 });
    await settled(world);
    const text = await world.metrics.registry.metrics();
    assert.deepEqual(samples(text, 'workspace_reconciler_drift_associations'), []);
    assert.deepEqual(samples(text, 'workspace_reconciler_drift_since_timestamp_seconds'), []);
    for (const k of KINDS) assert.equal(sample(text, 'workspace_reconciler_drift_targets', { kind: k }), 0);
  });

  it('reloads by result and desired_state_valid follow the files', async () => {
    w = await startWorld();
    const world = w;
    await settled(world);
    await world.daemon.resync('test');
    await waitFor('settled', () => world.daemon.reconciler.isSettled());
    assert.equal(await world.metric('workspace_reconciler_desired_state_reloads_total', { result: 'unchanged' }), 1);
    assert.equal(await world.metric('workspace_reconciler_desired_state_valid'), 1);
  });
});
