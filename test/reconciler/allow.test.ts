/** restrictTarget: a reviewed plan's allow-list, applied to what the planner wants now (pure). */
import assert from 'node:assert/strict';
import { connectKey, workspaceKey } from '../../src/config/types.js';
import type { ConnectTarget, SourceLocation, WorkSpaceTarget } from '../../src/config/types.js';
import { restrictTarget } from '../../src/reconciler/allow.js';
import type { Allowance } from '../../src/reconciler/allow.js';
import { planConnect, planWorkSpace } from '../../src/reconciler/plan.js';
import type { ObservedApplication, ObservedState, WorkSpacePlan } from '../../src/reconciler/types.js';

const here: SourceLocation = { file: 'desired.yaml', line: 1, col: 1 };
const REGION = 'us-east-1';
const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const WORKSPACE = '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';
const user = (n: number) => `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE}/agent/u-${String(n).padStart(4, '0')}`;
const WS = 'ws-abcd1234ef';
const [A, B, C, D] = ['wsa-aaaa00001', 'wsa-bbbb00001', 'wsa-cccc00001', 'wsa-dddd00001'];

function allowance(o: Partial<Record<keyof Allowance, string[]>>): Allowance {
  return { associate: new Set(o.associate ?? []), disassociate: new Set(o.disassociate ?? []), deploy: new Set(o.deploy ?? []) };
}

function connect(desired: string[], observed: string[], prune = true) {
  const key = connectKey('default', REGION, INSTANCE, WORKSPACE);
  const t: ConnectTarget = { type: 'connect', key, account: 'default', region: REGION, instanceId: INSTANCE, workspaceId: WORKSPACE, desired: new Map(desired.map((a) => [a, here])), prune, documents: [] };
  const o: ObservedState = new Map([[key, { type: 'connect', key, associated: new Set(observed) }]]);
  return planConnect(t, o);
}

function workspace(desired: string[], apps: ObservedApplication[], prune = true) {
  const key = workspaceKey('default', REGION, WS);
  const t: WorkSpaceTarget = { type: 'workspaces', key, account: 'default', region: REGION, workspaceId: WS, desired: new Map(desired.map((a) => [a, here])), prune, documents: [] };
  const observed = { type: 'workspaces' as const, key, applications: new Map(apps.map((a) => [a.applicationId, a])) };
  return { tp: planWorkSpace(t, new Map([[key, observed]])), observed };
}

describe('allow-list (reviewed plan) restriction', () => {
  it('Connect: only reviewed associations and removals remain; the rest is reported outside the plan', () => {
    const tp = connect([user(1), user(2)], [user(3), user(4)]);
    const r = restrictTarget(tp, allowance({ associate: [user(1)], disassociate: [user(3)] }));
    assert.deepEqual(r.plan.associate, [[user(1)]]);
    assert.deepEqual(r.plan.disassociate, [[user(3)]]);
    assert.deepEqual(r.outside, { associate: [user(2)], disassociate: [user(4)], deploy: [] });
  });

  it('a target without an allowance gets nothing at all: every change is outside the plan', () => {
    const r = restrictTarget(connect([user(1)], [user(3)]), undefined);
    assert.deepEqual([r.plan.associate, r.plan.disassociate], [[], []]);
    assert.deepEqual(r.outside, { associate: [user(1)], disassociate: [user(3)], deploy: [] });
  });

  it('Connect: 30 reviewed associations are re-batched by 25', () => {
    const users = Array.from({ length: 30 }, (_, i) => user(i + 1));
    const r = restrictTarget(connect(users, []), allowance({ associate: users }));
    assert.deepEqual(r.plan.associate.map((b) => b.length), [25, 5]);
  });

  it('WorkSpaces: a reviewed associate keeps its deploy; an unreviewed removal (and its deploy) does not', () => {
    const { tp, observed } = workspace([A], [{ applicationId: B, state: 'COMPLETED' }]);
    assert.deepEqual([tp.associate, tp.disassociate, tp.deployFor], [[A], [B], [A, B]]);
    const r = restrictTarget(tp, allowance({ associate: [A] }), observed);
    const p = r.plan as WorkSpacePlan;
    assert.deepEqual([p.associate, p.disassociate, p.deploy, p.deployFor], [[A], [], { force: false }, [A]]);
    assert.deepEqual(r.outside, { associate: [], disassociate: [B], deploy: [] });
    assert.equal(r.blockedDeploy, undefined);
  });

  it('WorkSpaces: a Force retry of a reviewed associate is allowed; a retry of an unreviewed ERROR pair is not', () => {
    const apps: ObservedApplication[] = [
      { applicationId: A, state: 'ERROR', reasonCode: 'DeploymentError.WorkspaceUnreachable' },
      { applicationId: C, state: 'ERROR', reasonCode: 'DeploymentError.WorkspaceUnreachable' },
    ];
    const { tp, observed } = workspace([A, C], apps, false);
    const reviewed = restrictTarget(tp, allowance({ associate: [A, C] }), observed).plan as WorkSpacePlan;
    assert.deepEqual([reviewed.deploy, reviewed.retry.map((x) => x.applicationId)], [{ force: true }, [A, C]]);
    const onlyA = restrictTarget(tp, allowance({ associate: [A] }), observed);
    // A Force deploy would redeploy C too, which nobody reviewed: not made, and said so.
    assert.equal((onlyA.plan as WorkSpacePlan).deploy, null);
    assert.deepEqual(onlyA.blockedDeploy, [`${C} (ERROR)`]);
    const none = restrictTarget(tp, allowance({}), observed);
    assert.equal((none.plan as WorkSpacePlan).deploy, null);
    assert.deepEqual(none.outside.deploy, [A, C]);
    assert.equal(none.blockedDeploy, undefined);
  });

  it('WorkSpaces: a reviewed deploy of an association already there (PENDING_INSTALL) is its own action', () => {
    const { tp, observed } = workspace([D], [{ applicationId: D, state: 'PENDING_INSTALL' }], false);
    assert.equal((restrictTarget(tp, allowance({ deploy: [D] }), observed).plan as WorkSpacePlan).deploy?.force, false);
    assert.equal((restrictTarget(tp, allowance({}), observed).plan as WorkSpacePlan).deploy, null);
  });

  it('WorkSpaces: a reviewed removal implies the deploy that finishes it, even when someone else disassociated it', () => {
    const { tp, observed } = workspace([], [{ applicationId: B, state: 'PENDING_UNINSTALL' }]);
    const p = restrictTarget(tp, allowance({ disassociate: [B] }), observed).plan as WorkSpacePlan;
    assert.deepEqual([p.disassociate, p.deploy], [[], { force: false }]);
  });

  it('WorkSpaces: a reviewed deploy is not made when it would also uninstall an application someone disassociated since', () => {
    const { tp, observed } = workspace([A, C], [{ applicationId: C, state: 'PENDING_UNINSTALL' }], false);
    const r = restrictTarget(tp, allowance({ associate: [A] }), observed);
    const p = r.plan as WorkSpacePlan;
    assert.deepEqual([p.associate, p.deploy, p.deployFor], [[A], null, []]);
    assert.deepEqual(r.blockedDeploy, [`${C} (PENDING_UNINSTALL)`]);
    assert.deepEqual(r.outside.deploy, [C]);
  });

  it('waits stay (they make no call, and a deploy can only follow them)', () => {
    const { tp, observed } = workspace([A], [{ applicationId: B, state: 'INSTALLING' }], false);
    const p = restrictTarget(tp, allowance({}), observed).plan as WorkSpacePlan;
    assert.deepEqual(p.wait.map((w) => w.applicationId), [B]);
  });
});
