/**
 * The daemon's reloads against the sandbox: file edits are picked up without a restart (one
 * reload per burst of saves), and a desired state that is invalid, loses a file, or would prune
 * past the guard is refused while the last valid one keeps being enforced, pruning nothing.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { AssociateWorkspaceCommand, DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { AssociateWorkspaceApplicationCommand } from '@aws-sdk/client-workspaces';
import { agentArn, assertConverged, INSTANCE, WORKSPACE } from '../cli/demo-world.js';
import { mutatingCalls, waitFor } from '../cli/helpers.js';
import { addSlackToCallCenter, edit, gatedClock, hastyClock, saveByRename, saveInPlace, settled, startWorld, type DaemonWorld, type WorldOptions } from './harness.js';

const CALL_CENTER = ['ws-cc00000001', 'ws-cc00000002', 'ws-cc00000003', 'ws-cc00000004'];
const liveApps = (w: DaemonWorld, ws: string) => w.sandbox.workspaceAssociations('us-east-1', ws).filter((a) => a.state !== 'REMOVED').map((a) => `${a.applicationId}:${a.state}`);
const callCenterHas = (w: DaemonWorld, apps: string[]) => CALL_CENTER.every((ws) => liveApps(w, ws).join() === apps.map((a) => `${a}:COMPLETED`).join());
const reloads = async (w: DaemonWorld, result: string) => (await w.metric('workspace_reconciler_desired_state_reloads_total', { result })) ?? 0;

describe('daemon: reloads', () => {
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  /** A started daemon that has converged the demo world. */
  async function converged(o: WorldOptions = {}): Promise<DaemonWorld> {
    w = await startWorld(o);
    await settled(w);
    assertConverged(w.sandbox);
    return w;
  }

  const saves = [
    { reason: 'saved as editors do (temp file renamed over it: a new inode)', save: saveByRename },
    { reason: 'written in place (same inode)', save: saveInPlace },
  ];
  for (const tc of saves) {
    it(`picks up an edit without a restart: ${tc.reason}`, async () => {
      const world = await converged();
      await edit(world.file('workspaces', 'call-center.yaml'), addSlackToCallCenter, tc.save);
      await waitFor('Slack on every call-center WorkSpace', () => callCenterHas(world, ['wsa-chrome0001', 'wsa-office0001', 'wsa-slack00001']));
      const applied = world.logged('desired state applied');
      assert.deepEqual(applied.map((l) => [l.reason, l.changed]), [['start', 0], ['file change', 4]]);
      assert.equal(await world.metric('workspace_reconciler_desired_state_valid'), 1);
    });
  }

  it('a burst of 5 saves within the debounce is one reload', async () => {
    // The debounce timer is held while the test saves, so the 5 saves fall within it however
    // slowly this machine runs them; on release it runs its full 250 ms, as after a real burst.
    const clock = gatedClock(250);
    const world = await converged({ daemon: { debounceMs: 250, clock } });
    const path = world.file('workspaces', 'call-center.yaml');
    clock.hold();
    for (let i = 1; i <= 5; i++) {
      await edit(path, (t) => `${addSlackToCallCenter(t.replace(/^# save \d\n/, ''))}`.replace(/^/, `# save ${i}\n`), i % 2 ? saveByRename : saveInPlace);
    }
    // The last save's file events are queued in the kernel by now: two turns of the event loop
    // (a poll phase in between) deliver them before the gate opens.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.ok(clock.held >= 5, `the watcher set ${clock.held} debounce timers for 5 saves`);
    assert.equal(world.logged('desired state applied').length, 1, 'nothing reloaded during the burst');
    clock.release();
    await waitFor('Slack on every call-center WorkSpace', () => callCenterHas(world, ['wsa-chrome0001', 'wsa-office0001', 'wsa-slack00001']));
    await settled(world);
    assert.equal(world.logged('desired state applied').length, 2, 'start + one reload');
    const all = await Promise.all(['applied', 'unchanged', 'invalid', 'refused'].map((r) => reloads(world, r)));
    assert.deepEqual(all, [2, 0, 0, 0]);
  });

  const invalid = [
    { reason: 'a YAML syntax error', change: (t: string) => t.replace('applicationIds:', 'applicationIds: [unclosed'), problem: /call-center\.yaml:\d+:\d+: / },
    { reason: 'an unknown field (a typo of prune)', change: (t: string) => t.replace('  prune: true', '  prunne: false'), problem: /call-center\.yaml:\d+:\d+: .*prunne/ },
    { reason: 'an application id of the wrong form', change: (t: string) => t.replace(/applicationIds:[\s\S]*?prune: true/, 'applicationIds: [not-an-app]\n  prune: true'), problem: /call-center\.yaml:\d+:\d+: / },
  ];
  for (const tc of invalid) {
    it(`an invalid edit (${tc.reason}) is reported; the previous state is still enforced and nothing is pruned`, async () => {
      const world = await converged();
      await edit(world.file('workspaces', 'call-center.yaml'), tc.change);
      await waitFor('the invalid reload', () => world.logged('desired state not applied').length === 1);
      assert.equal(world.logged('desired state not applied')[0].reason, 'file change');
      assert.match(String(world.logged('desired state invalid')[0]?.problem), tc.problem);
      const n = world.logged('desired state invalid').length;
      assert.equal(world.logged('desired state not applied')[0].why, `${n} ${n === 1 ? 'problem' : 'problems'} in the desired state`);
      assert.equal(await reloads(world, 'invalid'), 1);
      assert.equal(await world.metric('workspace_reconciler_desired_state_valid'), 0);
      assert.equal(world.daemon.readiness().ready, true, 'still ready: the previous state is enforced');

      // Drift behind the daemon's back is still corrected, per the previous (valid) state.
      await world.clients.connect('us-east-1').send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WORKSPACE.supportFloor, ResourceArns: [agentArn(1)] }));
      const mark = world.sandbox.calls.length;
      await world.daemon.resync('test');
      await settled(world);
      assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), ['AssociateWorkspace'], 'agent01 re-associated, nothing removed');
      assertConverged(world.sandbox);
      assert.equal(await reloads(world, 'invalid'), 2, 'the resync reloaded the still invalid files');
    });
  }

  it('a deleted file: refused at first, applied when the next reload confirms it; its targets are then left alone, never pruned', async () => {
    const world = await converged();
    await rm(world.file('workspaces', 'call-center.yaml'));
    await waitFor('the refused reload', () => world.logged('desired state not applied').length === 1);
    assert.match(String(world.logged('desired state not applied')[0].why), /^files disappeared \(.*call-center\.yaml\)/);
    assert.equal(world.daemon.readiness().reason, 'enforcing 11 targets');
    // The confirmation comes by itself, max(2 s, debounce) later.
    await waitFor('the confirming reload', () => world.logged('desired state applied').length === 2, { timeoutMs: 5000 });
    assert.deepEqual(world.logged('desired state applied').map((l) => [l.reason, l.removed]), [['start', 0], ['confirm removed files', 4]]);
    assert.equal(world.daemon.readiness().reason, 'enforcing 7 targets');
    assertConverged(world.sandbox);

    // No longer managed: an application added by hand stays, and no call touches those WorkSpaces.
    await world.clients.workspaces('us-east-1').send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000001', ApplicationId: 'wsa-zoom000001' }));
    const mark = world.sandbox.calls.length;
    await world.daemon.resync('test');
    await settled(world);
    assert.deepEqual(world.sandbox.calls.slice(mark).filter((c) => String(c.input.WorkspaceId ?? c.input.WorkspaceIds ?? '').includes('ws-cc')), []);
    assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), []);
    assert.deepEqual(liveApps(world, 'ws-cc00000001'), ['wsa-chrome0001:COMPLETED', 'wsa-office0001:COMPLETED', 'wsa-zoom000001:PENDING_INSTALL']);
  });

  it('an edit that would remove more than maxPrune is refused and removes nothing', async () => {
    // The start removes 2 (agent20, Zoom): within the guard.
    const world = await converged({ daemon: { maxPrune: 2 } });
    const mark = world.sandbox.calls.length;
    await edit(world.file('workspaces', 'call-center.yaml'), (t) => t.replace('    - wsa-office0001   # Microsoft 365 Apps for enterprise\n', ''));
    await waitFor('the refused reload', () => world.logged('desired state not applied').length === 1);
    assert.equal(world.logged('desired state not applied')[0].why, 'the new desired state removes 4 associations, more than --max-prune 2');
    assert.equal(await reloads(world, 'refused'), 1);
    assert.equal(await world.metric('workspace_reconciler_desired_state_valid'), 0);
    await settled(world);
    assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), []);
    assertConverged(world.sandbox);
  });

  it('a resync that finds more hand-added associations on a prune target than maxPrune removes none, logs it once and exposes the held count', async () => {
    // Before: the daemon counted removals only for targets whose files changed, and a resync
    // removed every one of them.
    const world = await converged({ daemon: { maxPrune: 2 } });
    const extra = [agentArn(1), agentArn(2), agentArn(3)];
    await world.clients.connect('us-east-1').send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WORKSPACE.supervisors, ResourceArns: extra }));
    const mark = world.sandbox.calls.length;
    await world.daemon.resync('test');
    await settled(world);
    assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), []);
    assert.equal(await world.metric('workspace_reconciler_removals_held', { kind: 'connect', reason: 'max-prune' }), 3);
    await world.daemon.resync('test again');
    await settled(world);
    assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), []);
    assert.equal(world.logs.filter((l) => String(l.msg).startsWith('removals held')).length, 1, 'logged once');
  });

  it('a start that would remove more than maxPrune does not start and changes nothing', async () => {
    w = await startWorld({ daemon: { maxPrune: 1 }, start: false });
    assert.equal(await w.daemon.start(), false);
    assert.equal(w.logged('desired state not applied')[0].why, 'the new desired state removes 2 associations, more than --max-prune 1');
    assert.deepEqual(mutatingCalls(w.sandbox.calls), []);
    assert.equal(w.daemon.readiness().ready, false);
  });

  it('a prune target that cannot be observed during the guard: refused, then applied by itself once observation works', async () => {
    // The retry of the guard comes 5 s later on the daemon's clock; this one runs those delays 25× sooner.
    const world = await converged({ daemon: { clock: hastyClock(25) } });
    const mark = world.sandbox.calls.length;
    world.sandbox.setFaults({ errorRate: 1, operations: ['SearchWorkspaceAssociations'] });
    // Supervisors (prune: true) gains agent19.
    await edit(world.file('connect', 'supervisors.yaml'), (t) => t.replace('  prune: true', `    - ${agentArn(19)}\n  prune: true`));
    await waitFor('the refused reload', () => world.logged('desired state not applied').length === 1);
    assert.match(String(world.logged('desired state not applied')[0].why), /^cannot check --max-prune: .*5f4e3d2c-aaaa-bbbb-cccc-444455556666 could not be observed \(InternalServiceException: /);
    assert.deepEqual(mutatingCalls(world.sandbox.calls.slice(mark)), []);
    assert.equal(world.daemon.readiness().ready, false, 'AWS is not answering');
    assert.match(world.daemon.readiness().reason, /AWS is not answering/);

    world.sandbox.setFaults({ errorRate: 0, operations: [] });
    await waitFor('the retried reload', () => world.logged('desired state applied').length === 2, { timeoutMs: 5000 });
    // Applied with no further edit: by the guard's retry, or (on a loaded machine) by a late second
    // watch event of the same edit, whichever comes first once observation works.
    assert.ok(['retry the --max-prune check', 'file change'].includes(String(world.logged('desired state applied')[1].reason)), String(world.logged('desired state applied')[1].reason));
    await waitFor('agent19 on Supervisors', () => world.sandbox.connectAssociations('us-east-1', INSTANCE, WORKSPACE.supervisors).includes(agentArn(19)));
    await settled(world);
    assert.equal(world.daemon.readiness().ready, true);
  });

  it('desired-state warnings are logged when they change, not on every reload', async () => {
    // A duplicate list item is a warning, not an error.
    const dup = (t: string) => t.replace('    - wsa-slack00001   # Slack', '    - wsa-slack00001   # Slack\n    - wsa-slack00001');
    const world = await converged({ prepare: (dir) => edit(`${dir}/workspaces/engineering.yaml`, dup) });
    await world.daemon.resync('test');
    await world.daemon.resync('test');
    const warnings = () => world.logged('desired state warning').map((l) => String(l.problem));
    assert.equal(warnings().length, 1, JSON.stringify(warnings()));
    assert.match(warnings()[0], /engineering\.yaml:\d+:\d+: /);
    await edit(world.file('workspaces', 'call-center.yaml'), (t) => t.replace('    - wsa-office0001', '    - wsa-office0001\n    - wsa-office0001'));
    // The set changed: all of it again, once.
    await waitFor('the new warnings', () => warnings().length === 3);
    assert.deepEqual(warnings().slice(1).map((p) => /\/(\w[\w-]*\.yaml):/.exec(p)?.[1]).sort(), ['call-center.yaml', 'engineering.yaml']);
  });

  it('a new file is picked up (the directory is watched, not only the files it had)', async () => {
    const world = await converged();
    await writeFile(world.file('workspaces', 'extra.yml'), [
      'apiVersion: workspace-reconciler/v1', 'kind: WorkSpaceApplications', 'metadata:', '  name: extra', 'spec:', '  region: us-east-1',
      '  workspaceIds: [ws-eng0000001]', '  applicationIds: [wsa-zoom000001]', '',
    ].join('\n'));
    await waitFor('Zoom on ws-eng0000001', () => liveApps(world, 'ws-eng0000001').includes('wsa-zoom000001:COMPLETED'));
    assert.deepEqual(world.logged('desired state applied').map((l) => l.files), [5, 6]);
  });
});
