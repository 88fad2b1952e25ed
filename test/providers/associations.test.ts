/**
 * toApplications: DescribeWorkspaceAssociations entries → observed applications, for answers the
 * sandbox never gives (future enum values, duplicate records). Real answers are covered in
 * workspaces.test.ts against the sandbox.
 */
import assert from 'node:assert/strict';
import type { WorkspaceResourceAssociation } from '@aws-sdk/client-workspaces';
import { toApplications } from '../../src/providers/workspaces/associations.js';
import type { ObservedApplication } from '../../src/reconciler/types.js';

const t = (s: number) => new Date(s * 1000);

interface Case {
  reason: string;
  input: WorkspaceResourceAssociation[];
  want: ObservedApplication[];
}

const cases: Case[] = [
  {
    reason: 'an unknown future state waits as in flight (INSTALLING) and says why',
    input: [{ AssociatedResourceId: 'wsa-new00001', AssociatedResourceType: 'APPLICATION', State: 'QUARANTINED' as never }],
    want: [{ applicationId: 'wsa-new00001', state: 'INSTALLING', reasonMessage: 'unknown association state QUARANTINED; waiting as if in flight' }],
  },
  {
    reason: 'a missing state also waits as in flight',
    input: [{ AssociatedResourceId: 'wsa-new00001' }],
    want: [{ applicationId: 'wsa-new00001', state: 'INSTALLING', reasonMessage: 'unknown association state (none); waiting as if in flight' }],
  },
  {
    reason: 'REMOVED stays REMOVED (the planner reads it as absent)',
    input: [{ AssociatedResourceId: 'wsa-old00001', AssociatedResourceType: 'APPLICATION', State: 'REMOVED' }],
    want: [{ applicationId: 'wsa-old00001', state: 'REMOVED' }],
  },
  {
    reason: 'a live record beats a REMOVED record of the same application, whatever the order',
    input: [
      { AssociatedResourceId: 'wsa-app00001', State: 'PENDING_INSTALL', LastUpdatedTime: t(1) },
      { AssociatedResourceId: 'wsa-app00001', State: 'REMOVED', LastUpdatedTime: t(2) },
    ],
    want: [{ applicationId: 'wsa-app00001', state: 'PENDING_INSTALL' }],
  },
  {
    reason: 'between two live records the later update wins',
    input: [
      { AssociatedResourceId: 'wsa-app00001', State: 'ERROR', StateReason: { ErrorCode: 'DeploymentError.InternalServerError', ErrorMessage: 'x' }, LastUpdatedTime: t(5) },
      { AssociatedResourceId: 'wsa-app00001', State: 'COMPLETED', LastUpdatedTime: t(3) },
    ],
    want: [{ applicationId: 'wsa-app00001', state: 'ERROR', reasonCode: 'DeploymentError.InternalServerError', reasonMessage: 'x' }],
  },
  {
    reason: 'entries without an id or of another resource type are skipped',
    input: [{ State: 'COMPLETED' }, { AssociatedResourceId: 'wsb-bundle01', AssociatedResourceType: 'BUNDLE' as never, State: 'COMPLETED' }],
    want: [],
  },
];

describe('providers/workspaces toApplications', () => {
  for (const tc of cases) {
    it(tc.reason, () => {
      assert.deepEqual([...toApplications(tc.input).values()], tc.want);
    });
  }
});
