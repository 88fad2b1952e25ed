/**
 * driftOf: what differs, by direction, from the plan and the observation it was made from
 * (plain data, no servers).
 */
import assert from 'node:assert/strict';
import { driftOf, type DriftCounts } from '../../src/reconciler/drift.js';
import { planConnect, planWorkSpace } from '../../src/reconciler/plan.js';
import type { AssociationState, ObservedState } from '../../src/reconciler/types.js';
import { agent, connect, SUPERVISORS, workspace } from './world.js';

const WS = 'ws-drift00001';

function wsObserved(apps: [string, AssociationState, string?][]): ObservedState {
  const key = workspace(WS, []).key;
  return new Map([[key, { type: 'workspaces', key, applications: new Map(apps.map(([id, state, reasonCode]) => [id, { applicationId: id, state, reasonCode }])) }]]);
}

const none: DriftCounts = { missing: 0, extra: 0, undeployed: 0 };

describe('driftOf', () => {
  const connectCases: { reason: string; desired: string[]; associated: string[]; prune: boolean; want: DriftCounts }[] = [
    { reason: 'in line: no drift', desired: [agent(1), agent(2)], associated: [agent(1), agent(2)], prune: true, want: none },
    { reason: 'a desired user missing', desired: [agent(1), agent(2)], associated: [agent(1)], prune: true, want: { ...none, missing: 1 } },
    { reason: 'an extra user on a prune target is what prune would remove', desired: [agent(1)], associated: [agent(1), agent(20), agent(21)], prune: true, want: { ...none, extra: 2 } },
    { reason: 'an extra user without prune is not drift (not ours to judge)', desired: [agent(1)], associated: [agent(1), agent(20)], prune: false, want: none },
    { reason: 'missing and extra at once, over 25 (two batches each)', desired: Array.from({ length: 30 }, (_, i) => agent(100 + i)), associated: Array.from({ length: 27 }, (_, i) => agent(200 + i)), prune: true, want: { missing: 30, extra: 27, undeployed: 0 } },
  ];
  for (const tc of connectCases) {
    it(`connect: ${tc.reason}`, () => {
      const t = connect(SUPERVISORS, tc.desired, tc.prune);
      const observed: ObservedState = new Map([[t.key, { type: 'connect', key: t.key, associated: new Set(tc.associated) }]]);
      assert.deepEqual(driftOf(planConnect(t, observed), observed.get(t.key)), tc.want);
    });
  }

  const wsCases: { reason: string; desired: string[]; prune: boolean; apps: [string, AssociationState, string?][]; excluded?: string[]; want: DriftCounts }[] = [
    { reason: 'COMPLETED as desired: no drift', desired: ['wsa-a'], prune: true, apps: [['wsa-a', 'COMPLETED']], want: none },
    { reason: 'absent or REMOVED: missing', desired: ['wsa-a', 'wsa-b'], prune: false, apps: [['wsa-b', 'REMOVED']], want: { ...none, missing: 2 } },
    { reason: 'associated, never deployed: undeployed', desired: ['wsa-a'], prune: false, apps: [['wsa-a', 'PENDING_INSTALL']], want: { ...none, undeployed: 1 } },
    { reason: 'a deployment running: undeployed until it completes', desired: ['wsa-a', 'wsa-b'], prune: false, apps: [['wsa-a', 'INSTALLING'], ['wsa-b', 'PENDING_INSTALL_DEPLOYMENT']], want: { ...none, undeployed: 2 } },
    { reason: 'a retryable ERROR: undeployed', desired: ['wsa-a'], prune: false, apps: [['wsa-a', 'ERROR', 'DeploymentError.WorkspaceUnreachable']], want: { ...none, undeployed: 1 } },
    { reason: 'a terminal ERROR is a terminal failure, not drift', desired: ['wsa-a'], prune: false, apps: [['wsa-a', 'ERROR', 'ValidationError.InsufficientDiskSpace']], want: none },
    { reason: 'an extra COMPLETED app on a prune target: extra (not also undeployed)', desired: ['wsa-a'], prune: true, apps: [['wsa-a', 'COMPLETED'], ['wsa-z', 'COMPLETED']], want: { ...none, extra: 1 } },
    { reason: 'an extra PENDING_INSTALL app on a prune target: extra', desired: ['wsa-a'], prune: true, apps: [['wsa-a', 'COMPLETED'], ['wsa-z', 'PENDING_INSTALL']], want: { ...none, extra: 1 } },
    { reason: 'an extra app being uninstalled on a prune target: undeployed', desired: ['wsa-a'], prune: true, apps: [['wsa-a', 'COMPLETED'], ['wsa-z', 'UNINSTALLING']], want: { ...none, undeployed: 1 } },
    { reason: 'an extra app without prune is not drift, whatever its state', desired: ['wsa-a'], prune: false, apps: [['wsa-a', 'COMPLETED'], ['wsa-z', 'COMPLETED'], ['wsa-y', 'PENDING_INSTALL']], want: none },
    { reason: 'an item excluded (failed terminally before) counts nowhere', desired: ['wsa-a', 'wsa-b'], prune: true, apps: [['wsa-b', 'PENDING_INSTALL'], ['wsa-z', 'COMPLETED']], excluded: ['wsa-a', 'wsa-b', 'wsa-z'], want: none },
  ];
  for (const tc of wsCases) {
    it(`workspaces: ${tc.reason}`, () => {
      const t = workspace(WS, tc.desired, tc.prune);
      const observed = wsObserved(tc.apps);
      const ex = new Set(tc.excluded ?? []);
      assert.deepEqual(driftOf(planWorkSpace(t, observed, ex), observed.get(t.key), ex), tc.want);
    });
  }
});
