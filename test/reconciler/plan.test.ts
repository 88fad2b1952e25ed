import assert from 'node:assert/strict';
import { connectKey, workspaceKey } from '../../src/config/types.js';
import type { ConnectTarget, SourceLocation, WorkSpaceTarget } from '../../src/config/types.js';
import { CONNECT_BATCH_SIZE, hasChanges, isSettled, plan } from '../../src/reconciler/plan.js';
import type {
  AssociationState,
  ObservedApplication,
  ObservedState,
  WorkSpacePlan,
} from '../../src/reconciler/types.js';

const here: SourceLocation = { file: 'desired.yaml', line: 1, col: 1 };
const REGION = 'us-east-1';
const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const WORKSPACE = '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';

function user(n: number): string {
  return `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE}/agent/u-${String(n).padStart(4, '0')}`;
}

function connectTarget(arns: string[], prune = false): ConnectTarget {
  return {
    type: 'connect',
    account: 'default',
    key: connectKey('default', REGION, INSTANCE, WORKSPACE),
    region: REGION,
    instanceId: INSTANCE,
    workspaceId: WORKSPACE,
    desired: new Map(arns.map((a) => [a, here])),
    prune,
    documents: [],
  };
}

function connectObserved(arns: string[]): ObservedState {
  const key = connectKey('default', REGION, INSTANCE, WORKSPACE);
  return new Map([[key, { type: 'connect', account: 'default', key, associated: new Set(arns) }]]);
}

const WS = 'ws-abcd1234ef';
function wsTarget(apps: string[], prune = false): WorkSpaceTarget {
  return {
    type: 'workspaces',
    account: 'default',
    key: workspaceKey('default', REGION, WS),
    region: REGION,
    workspaceId: WS,
    desired: new Map(apps.map((a) => [a, here])),
    prune,
    documents: [],
  };
}
function wsObserved(apps: ObservedApplication[]): ObservedState {
  const key = workspaceKey('default', REGION, WS);
  return new Map([[key, { type: 'workspaces', account: 'default', key, applications: new Map(apps.map((a) => [a.applicationId, a])) }]]);
}

const APP = 'wsa-app0000001';

interface Expect {
  associate?: boolean;
  disassociate?: boolean;
  deploy?: 'plain' | 'force';
  wait?: boolean;
  retry?: boolean;
  failed?: boolean;
}

function check(p: WorkSpacePlan, e: Expect): void {
  assert.deepEqual(p.associate, e.associate ? [APP] : [], 'associate');
  assert.deepEqual(p.disassociate, e.disassociate ? [APP] : [], 'disassociate');
  assert.deepEqual(p.deploy, e.deploy ? { force: e.deploy === 'force' } : null, 'deploy');
  assert.deepEqual(p.wait.map((w) => w.applicationId), e.wait ? [APP] : [], 'wait');
  assert.deepEqual(p.retry.map((r) => r.applicationId), e.retry ? [APP] : [], 'retry');
  assert.deepEqual(p.failed.map((f) => f.item), e.failed ? [APP] : [], 'failed');
}

describe('planner: WorkSpaces decision table', () => {
  type Mode = 'desired' | 'not desired, prune' | 'not desired, no prune';
  interface Row {
    state: AssociationState | 'absent';
    reasonCode?: string;
    expect: Record<Mode, Expect>;
  }
  const none: Expect = {};
  const rows: Row[] = [
    { state: 'absent', expect: { desired: { associate: true, deploy: 'plain' }, 'not desired, prune': none, 'not desired, no prune': none } },
    { state: 'REMOVED', expect: { desired: { associate: true, deploy: 'plain' }, 'not desired, prune': none, 'not desired, no prune': none } },
    { state: 'PENDING_INSTALL', expect: { desired: { deploy: 'plain' }, 'not desired, prune': { disassociate: true }, 'not desired, no prune': none } },
    { state: 'PENDING_INSTALL_DEPLOYMENT', expect: { desired: { wait: true }, 'not desired, prune': { wait: true }, 'not desired, no prune': none } },
    { state: 'INSTALLING', expect: { desired: { wait: true }, 'not desired, prune': { wait: true }, 'not desired, no prune': none } },
    { state: 'COMPLETED', expect: { desired: none, 'not desired, prune': { disassociate: true, deploy: 'plain' }, 'not desired, no prune': none } },
    { state: 'PENDING_UNINSTALL', expect: { desired: { deploy: 'plain' }, 'not desired, prune': { deploy: 'plain' }, 'not desired, no prune': none } },
    { state: 'PENDING_UNINSTALL_DEPLOYMENT', expect: { desired: { wait: true }, 'not desired, prune': { wait: true }, 'not desired, no prune': none } },
    { state: 'UNINSTALLING', expect: { desired: { wait: true }, 'not desired, prune': { wait: true }, 'not desired, no prune': none } },
    { state: 'ERROR', reasonCode: 'DeploymentError.WorkspaceUnreachable', expect: { desired: { retry: true, deploy: 'force' }, 'not desired, prune': { disassociate: true, deploy: 'plain' }, 'not desired, no prune': none } },
    { state: 'ERROR', reasonCode: 'DeploymentError.InternalServerError', expect: { desired: { retry: true, deploy: 'force' }, 'not desired, prune': { disassociate: true, deploy: 'plain' }, 'not desired, no prune': none } },
    { state: 'ERROR', reasonCode: undefined, expect: { desired: { retry: true, deploy: 'force' }, 'not desired, prune': { disassociate: true, deploy: 'plain' }, 'not desired, no prune': none } },
    { state: 'ERROR', reasonCode: 'ValidationError.UnsupportedOperatingSystem', expect: { desired: { failed: true }, 'not desired, prune': { failed: true }, 'not desired, no prune': none } },
    { state: 'ERROR', reasonCode: 'ValidationError.InsufficientDiskSpace', expect: { desired: { failed: true }, 'not desired, prune': { failed: true }, 'not desired, no prune': none } },
  ];
  const modes: Mode[] = ['desired', 'not desired, prune', 'not desired, no prune'];

  for (const row of rows) {
    for (const mode of modes) {
      const label = `${row.state}${row.reasonCode ? ` (${row.reasonCode})` : ''} × ${mode}`;
      it(label, () => {
        const target = wsTarget(mode === 'desired' ? [APP] : [], mode === 'not desired, prune');
        const observed =
          row.state === 'absent'
            ? new Map()
            : wsObserved([{ applicationId: APP, state: row.state, reasonCode: row.reasonCode }]);
        const p = plan([target], observed).targets[0];
        assert.equal(p.type, 'workspaces');
        check(p as WorkSpacePlan, row.expect[mode]);
      });
    }
  }

  it('a desired item in every state is never disassociated, with or without prune', () => {
    const states: AssociationState[] = ['PENDING_INSTALL', 'PENDING_INSTALL_DEPLOYMENT', 'INSTALLING', 'COMPLETED', 'PENDING_UNINSTALL', 'PENDING_UNINSTALL_DEPLOYMENT', 'UNINSTALLING', 'ERROR', 'REMOVED'];
    for (const state of states) {
      const p = plan([wsTarget([APP], true)], wsObserved([{ applicationId: APP, state }])).targets[0] as WorkSpacePlan;
      assert.deepEqual(p.disassociate, [], state);
    }
  });

  it('holds the deploy back while another association on the WorkSpace is in flight, and waits on it', () => {
    const observed = wsObserved([{ applicationId: 'wsa-other00001', state: 'INSTALLING' }]);
    const p = plan([wsTarget([APP])], observed).targets[0] as WorkSpacePlan;
    assert.deepEqual(p.associate, [APP]);
    assert.equal(p.deploy, null);
    assert.deepEqual(p.wait, [{ applicationId: 'wsa-other00001', state: 'INSTALLING' }]);
    assert.ok(hasChanges(p));
  });

  it('does not wait on a foreign in-flight association when no deploy is needed', () => {
    const observed = wsObserved([
      { applicationId: APP, state: 'COMPLETED' },
      { applicationId: 'wsa-other00001', state: 'INSTALLING' },
    ]);
    const p = plan([wsTarget([APP])], observed).targets[0] as WorkSpacePlan;
    assert.ok(isSettled(p));
  });

  it('one deploy per WorkSpace covering several pairs, forced when any pair is retried', () => {
    const apps = ['wsa-aaaa000001', 'wsa-bbbb000001', 'wsa-cccc000001'];
    const observed = wsObserved([
      { applicationId: apps[1], state: 'ERROR', reasonCode: 'DeploymentError.WorkspaceUnreachable' },
      { applicationId: apps[2], state: 'PENDING_INSTALL' },
      { applicationId: 'wsa-zzzz000001', state: 'COMPLETED' },
    ]);
    const p = plan([wsTarget(apps, true)], observed);
    const tp = p.targets[0] as WorkSpacePlan;
    assert.deepEqual(tp.associate, [apps[0]]);
    assert.deepEqual(tp.disassociate, ['wsa-zzzz000001']);
    assert.deepEqual(tp.deploy, { force: true });
    assert.deepEqual(p.summary, { associate: 1, disassociate: 1, deploy: 1, wait: 0, retry: 1, failed: 0 });
  });

  it('a terminal failure alone asks for no call and counts as settled', () => {
    const observed = wsObserved([{ applicationId: APP, state: 'ERROR', reasonCode: 'ValidationError.InsufficientMemory', reasonMessage: 'needs 8 GiB' }]);
    const p = plan([wsTarget([APP])], observed).targets[0] as WorkSpacePlan;
    assert.equal(hasChanges(p), false);
    assert.equal(isSettled(p), true);
    assert.deepEqual(p.failed, [{ item: APP, code: 'ValidationError.InsufficientMemory', message: 'needs 8 GiB', terminal: true }]);
  });

  it('excluded items (terminal failures) are neither associated, removed nor deployed for', () => {
    const other = 'wsa-other00001';
    const observed = wsObserved([{ applicationId: other, state: 'COMPLETED' }]);
    const ex = new Set([APP, other]);
    const p = plan([wsTarget([APP], true)], observed, () => ex).targets[0] as WorkSpacePlan;
    assert.deepEqual([p.associate, p.disassociate, p.deploy], [[], [], null]);
    assert.ok(isSettled(p));
  });

  it('an excluded WorkSpace id means no deploy, while pair changes still go ahead', () => {
    const p = plan([wsTarget([APP])], new Map(), () => new Set([WS])).targets[0] as WorkSpacePlan;
    assert.deepEqual(p.associate, [APP]);
    assert.equal(p.deploy, null);
  });

  it('ignores an observation of the wrong type for the key', () => {
    const key = workspaceKey('default', REGION, WS);
    const observed: ObservedState = new Map([[key, { type: 'connect', account: 'default', key, associated: new Set([APP]) }]]);
    const p = plan([wsTarget([APP])], observed).targets[0] as WorkSpacePlan;
    assert.deepEqual(p.associate, [APP]);
  });
});

describe('planner: Connect', () => {
  interface Case {
    reason: string;
    desired: number[];
    observed: number[];
    prune: boolean;
    add: number[];
    remove: number[];
  }
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  const cases: Case[] = [
    { reason: 'adds what is missing', desired: [1, 2, 3], observed: [1], prune: false, add: [2, 3], remove: [] },
    { reason: 'without prune never removes extras', desired: [1], observed: [1, 2, 3], prune: false, add: [], remove: [] },
    { reason: 'with prune removes extras', desired: [1], observed: [1, 2, 3], prune: true, add: [], remove: [2, 3] },
    { reason: 'with prune adds and removes at once', desired: [1, 4], observed: [1, 2], prune: true, add: [4], remove: [2] },
    { reason: 'converged is empty', desired: [1, 2], observed: [2, 1], prune: true, add: [], remove: [] },
    { reason: 'prune with nothing desired removes everything', desired: [], observed: [5, 6], prune: true, add: [], remove: [5, 6] },
    { reason: 'nothing observed adds everything', desired: range(0, 3), observed: [], prune: true, add: range(0, 3), remove: [] },
  ];
  for (const tc of cases) {
    it(tc.reason, () => {
      const p = plan([connectTarget(tc.desired.map(user), tc.prune)], connectObserved(tc.observed.map(user)));
      const tp = p.targets[0];
      assert.equal(tp.type, 'connect');
      if (tp.type !== 'connect') return;
      assert.deepEqual(tp.associate.flat(), tc.add.map(user));
      assert.deepEqual(tp.disassociate.flat(), tc.remove.map(user));
      assert.equal(p.summary.associate, tc.add.length);
      assert.equal(p.summary.disassociate, tc.remove.length);
      assert.equal(hasChanges(tp), tc.add.length + tc.remove.length > 0);
    });
  }

  const batchCases = [
    { n: 1, sizes: [1] },
    { n: 25, sizes: [25] },
    { n: 26, sizes: [25, 1] },
    { n: 50, sizes: [25, 25] },
    { n: 51, sizes: [25, 25, 1] },
    { n: 500, sizes: Array(20).fill(25) },
  ];
  for (const tc of batchCases) {
    it(`splits ${tc.n} additions and ${tc.n} removals into batches of ${tc.sizes.join('+')}`, () => {
      const desired = range(0, tc.n).map(user);
      const observed = range(10_000, 10_000 + tc.n).map(user);
      const tp = plan([connectTarget(desired, true)], connectObserved(observed)).targets[0];
      if (tp.type !== 'connect') throw new Error('expected a connect plan');
      assert.deepEqual(tp.associate.map((b) => b.length), tc.sizes);
      assert.deepEqual(tp.disassociate.map((b) => b.length), tc.sizes);
      assert.ok(tp.associate.every((b) => b.length <= CONNECT_BATCH_SIZE));
      assert.deepEqual(new Set(tp.associate.flat()), new Set(desired), 'no ARN lost or repeated');
      assert.equal(tp.associate.flat().length, tc.n);
    });
  }

  it('excluded ARNs are neither added nor pruned', () => {
    const tp = plan([connectTarget([user(1), user(2)], true)], connectObserved([user(3), user(4)]), () => new Set([user(2), user(4)])).targets[0];
    if (tp.type !== 'connect') throw new Error('expected a connect plan');
    assert.deepEqual(tp.associate.flat(), [user(1)]);
    assert.deepEqual(tp.disassociate.flat(), [user(3)]);
  });

  it('is deterministic: batches are sorted whatever the input order', () => {
    const arns = [5, 3, 9, 1].map(user);
    const a = plan([connectTarget(arns)], new Map());
    const b = plan([connectTarget([...arns].reverse())], new Map());
    assert.deepEqual(a.targets[0], { ...b.targets[0], target: a.targets[0].target });
    assert.deepEqual((a.targets[0] as { associate: string[][] }).associate[0], [1, 3, 5, 9].map(user));
  });

  it('keeps the order of the desired targets and plans each independently', () => {
    const t1 = connectTarget([user(1)]);
    const t2 = wsTarget([APP]);
    const p = plan([t1, t2], new Map());
    assert.deepEqual(p.targets.map((t) => t.target.key), [t1.key, t2.key]);
    assert.deepEqual(p.summary, { associate: 2, disassociate: 0, deploy: 1, wait: 0, retry: 0, failed: 0 });
  });
});

describe('planner: what a deploy carries (deployFor)', () => {
  const B = 'wsa-app0000002';
  const err = (applicationId: string, reasonCode: string): ObservedApplication => ({ applicationId, state: 'ERROR', reasonCode });

  it('a WorkSpace whose only ERROR pair is terminal gets no deploy at all (no Force redeploy of a terminal pair on its own account)', () => {
    const p = plan([wsTarget([APP])], wsObserved([err(APP, 'ValidationError.InsufficientDiskSpace')])).targets[0] as WorkSpacePlan;
    assert.equal(p.deploy, null);
    assert.deepEqual(p.deployFor, []);
    assert.deepEqual(p.failed.map((f) => f.item), [APP]);
  });

  it('a Force deploy made for a retryable pair names only that pair as its reason, never the terminal one riding along', () => {
    const p = plan([wsTarget([APP, B])], wsObserved([err(APP, 'ValidationError.InsufficientDiskSpace'), err(B, 'DeploymentError.WorkspaceUnreachable')])).targets[0] as WorkSpacePlan;
    assert.deepEqual(p.deploy, { force: true });
    assert.deepEqual(p.deployFor, [B]);
    assert.deepEqual(p.failed.map((f) => f.item), [APP]);
  });

  it('an associate and a pruned COMPLETED pair are both carried by the one deploy', () => {
    const p = plan([wsTarget([APP], true)], wsObserved([{ applicationId: B, state: 'COMPLETED' }])).targets[0] as WorkSpacePlan;
    assert.deepEqual(p.deployFor, [APP, B]);
  });
});
