/**
 * The observation choice inside the reconcile loop (sandbox, real SDK): the queued keys of a
 * region count as due, so one application-side scan serves a whole pass and the deployments' polls;
 * a steady-state resync costs the listed pages and nothing else; a prune WorkSpace converges on
 * an application nobody listed.
 */
import assert from 'node:assert/strict';
import { buildFleetSeed, fleetIds } from '../../src/sandbox/index.js';
import { REGION, startWorld, workspace, type World } from './world.js';

const N = 60;
const APPS = [fleetIds.applicationId(0), fleetIds.applicationId(1)];

describe('Reconciler: the WorkSpaces observation view (sandbox, real SDK)', function () {
  this.timeout(20_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('from nothing and on resync: application-side pages, never one call per WorkSpace for the whole fleet', async () => {
    w = await startWorld({ seed: buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: N, appsPerWorkspace: 0, applications: 3 }) });
    const targets = Array.from({ length: N }, (_, i) => workspace(fleetIds.workspaceId(i), APPS));
    const { reconciler } = w.run(targets, { reconciler: { workers: 8 } });
    await reconciler.whenSettled();
    for (const st of reconciler.targetStates()) assert.equal(st.status, 'converged', st.target.key);
    for (const t of targets) assert.deepEqual(w.live(t), APPS, t.key);
    for (const t of targets) for (const a of w.sandbox.workspaceAssociations(REGION, t.workspaceId)) assert.equal(a.state, 'COMPLETED');
    // The first observation: one empty page per application.
    assert.deepEqual(w.sandbox.calls.slice(0, 2).map((c) => c.operation), ['DescribeApplicationAssociations', 'DescribeApplicationAssociations']);
    // Polls never cost more than one call per WorkSpace polled.
    const perWorkSpace = w.callsSince(0, 'DescribeWorkspaceAssociations').length;
    const appPages = w.callsSince(0, 'DescribeApplicationAssociations').length;
    assert.ok(perWorkSpace + appPages < 2 * N, `${perWorkSpace} + ${appPages} observation calls for ${N} WorkSpaces`);

    // Steady state: a resync with nothing to do costs ⌈60/25⌉ = 3 pages per application, nothing else.
    const mark = w.sandbox.calls.length;
    reconciler.resync();
    await reconciler.whenSettled();
    const ops = w.callsSince(mark).map((c) => c.operation);
    assert.deepEqual(ops, Array(2 * 3).fill('DescribeApplicationAssociations'));
  });

  it('a prune WorkSpace loses an application nobody listed, seen through the whole catalogue', async () => {
    const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: N, appsPerWorkspace: 2, applications: 3 });
    seed.accounts[0]!.regions![REGION]!.workspaces!.workspaces![7]!.applications = [...APPS, fleetIds.applicationId(2)].map((id) => ({ id }));
    w = await startWorld({ seed });
    const targets = Array.from({ length: N }, (_, i) => workspace(fleetIds.workspaceId(i), APPS, true));
    const { reconciler } = w.run(targets, { reconciler: { workers: 8 } });
    await reconciler.whenSettled();
    for (const st of reconciler.targetStates()) assert.equal(st.status, 'converged', st.target.key);
    for (const t of targets) assert.deepEqual(w.live(t), APPS, t.key);
    assert.ok(w.callsSince(0, 'DescribeApplications').length >= 1, 'the catalogue was read');
    const removals = w.callsSince(0, 'DisassociateWorkspaceApplication');
    assert.deepEqual(removals.map((c) => [c.input.WorkspaceId, c.input.ApplicationId]), [[fleetIds.workspaceId(7), fleetIds.applicationId(2)]]);
  });
});
