/**
 * WorkSpacesProvider.observe against the sandbox with real SDK clients, per-WorkSpace view
 * (applicationView: false): one DescribeWorkspaceAssociations per WorkSpace, every state read as
 * AWS reports it. The choice between views is tested in workspaces-view.test.ts.
 */
import assert from 'node:assert/strict';
import { AwsCallError, RetryableError, TerminalError, ThrottledError } from '../../src/providers/errors.js';
import { WorkSpacesProvider } from '../../src/providers/workspaces/index.js';
import type { ObserveOutcome } from '../../src/providers/types.js';
import type { WorkSpaceTarget } from '../../src/config/types.js';
import type { ObservedApplication } from '../../src/reconciler/types.js';
import type { Seed, SandboxOptions } from '../../src/sandbox/index.js';
import { REGION, RecordingGate, startHarness, withoutRegion, workSpaceTarget, type Harness } from './fixtures.js';

const DESCRIBE = 'DescribeWorkspaceAssociations';

/** One WorkSpace holding an association in every state AWS documents. */
const everyState: ObservedApplication[] = [
  { applicationId: 'wsa-app00001', state: 'PENDING_INSTALL' },
  { applicationId: 'wsa-app00002', state: 'PENDING_INSTALL_DEPLOYMENT' },
  { applicationId: 'wsa-app00003', state: 'PENDING_UNINSTALL' },
  { applicationId: 'wsa-app00004', state: 'PENDING_UNINSTALL_DEPLOYMENT' },
  { applicationId: 'wsa-app00005', state: 'INSTALLING' },
  { applicationId: 'wsa-app00006', state: 'UNINSTALLING' },
  { applicationId: 'wsa-app00007', state: 'ERROR', reasonCode: 'ValidationError.InsufficientDiskSpace', reasonMessage: 'Not enough disk space.' },
  { applicationId: 'wsa-app00008', state: 'ERROR', reasonCode: 'DeploymentError.WorkspaceUnreachable', reasonMessage: 'Unreachable.' },
  { applicationId: 'wsa-app00009', state: 'COMPLETED' },
  { applicationId: 'wsa-app00010', state: 'REMOVED' },
];

const everyStateSeed: Seed = {
  accounts: [
    {
      id: '123456789012',
      regions: {
        [REGION]: {
          workspaces: {
            applications: everyState.map((a) => ({ id: a.applicationId, name: a.applicationId })),
            workspaces: [
              {
                id: 'ws-states0001',
                applications: everyState.map((a) => ({ id: a.applicationId, state: a.state, errorCode: a.reasonCode, errorMessage: a.reasonMessage })),
              },
              { id: 'ws-empty00001' },
            ],
          },
        },
      },
    },
  ],
};

interface ObserveCase {
  reason: string;
  sandbox?: SandboxOptions;
  targets: WorkSpaceTarget[];
  /** Applications by target key, or the failure wanted. */
  want: Record<string, ObservedApplication[] | { kind: typeof TerminalError | typeof RetryableError | typeof ThrottledError; code: string }>;
  wantCalls: number;
}

const cases: ObserveCase[] = [
  {
    reason: 'reads every association state, ERROR with its StateReason, REMOVED kept as REMOVED',
    sandbox: { seed: everyStateSeed },
    targets: [workSpaceTarget('ws-states0001'), workSpaceTarget('ws-empty00001')],
    want: { [workSpaceTarget('ws-states0001').key]: everyState, [workSpaceTarget('ws-empty00001').key]: [] },
    wantCalls: 2,
  },
  {
    reason: 'the demo world: one call per WorkSpace, COMPLETED, PENDING_INSTALL and none',
    targets: ['ws-eng0000001', 'ws-cc00000002', 'ws-eng0000003'].map((id) => workSpaceTarget(id)),
    want: {
      [workSpaceTarget('ws-eng0000001').key]: [{ applicationId: 'wsa-chrome0001', state: 'COMPLETED' }],
      [workSpaceTarget('ws-cc00000002').key]: [{ applicationId: 'wsa-chrome0001', state: 'PENDING_INSTALL' }],
      [workSpaceTarget('ws-eng0000003').key]: [],
    },
    wantCalls: 3,
  },
  {
    reason: 'an unknown WorkSpace fails terminally on its own; the others are observed',
    targets: [workSpaceTarget('ws-missing0001'), workSpaceTarget('ws-cc00000001')],
    want: {
      [workSpaceTarget('ws-missing0001').key]: { kind: TerminalError, code: 'ResourceNotFoundException' },
      [workSpaceTarget('ws-cc00000001').key]: [{ applicationId: 'wsa-zoom000001', state: 'COMPLETED' }],
    },
    wantCalls: 2,
  },
  {
    reason: 'throttling (HTTP 400 ThrottlingException) is a ThrottledError after 1 attempt',
    sandbox: { faults: { throttleRate: 1, operations: [DESCRIBE] } },
    targets: [workSpaceTarget('ws-eng0000001')],
    want: { [workSpaceTarget('ws-eng0000001').key]: { kind: ThrottledError, code: 'ThrottlingException' } },
    wantCalls: 1,
  },
  {
    reason: 'a 500 on every attempt is retryable after 3 attempts',
    sandbox: { faults: { errorRate: 1, operations: [DESCRIBE] } },
    targets: [workSpaceTarget('ws-eng0000001')],
    want: { [workSpaceTarget('ws-eng0000001').key]: { kind: RetryableError, code: 'InternalServerException' } },
    wantCalls: 3,
  },
  {
    reason: 'a target without a region fails with MissingRegion and makes no call',
    targets: [withoutRegion(workSpaceTarget('ws-eng0000001'))],
    want: { [withoutRegion(workSpaceTarget('ws-eng0000001')).key]: { kind: TerminalError, code: 'MissingRegion' } },
    wantCalls: 0,
  },
];

describe('providers/workspaces observe', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const tc of cases) {
    it(tc.reason, async () => {
      h = await startHarness(tc.sandbox);
      const gate = new RecordingGate();
      const got = await new WorkSpacesProvider({ clients: h.clients, gate, applicationView: false }).observe(tc.targets);
      assert.deepEqual([...got.keys()], tc.targets.map((t) => t.key));
      for (const [key, want] of Object.entries(tc.want)) {
        const o: ObserveOutcome | undefined = got.get(key);
        if (Array.isArray(want)) {
          assert.ok(o?.ok && o.observed.type === 'workspaces', `${key} observed`);
          assert.equal(o.observed.key, key);
          assert.deepEqual([...o.observed.applications.values()], want);
          assert.deepEqual([...o.observed.applications.keys()], want.map((a) => a.applicationId));
        } else {
          assert.ok(o && !o.ok, `${key} failed`);
          assert.ok(o.error instanceof want.kind, `${o.error.name} is a ${want.kind.name}`);
          assert.ok(o.error instanceof AwsCallError);
          assert.equal(o.error.code, want.code);
          assert.equal(o.error.targetKey, key);
          assert.equal(o.error.operation, DESCRIBE);
        }
      }
      const calls = h.sandbox.calls;
      assert.equal(calls.length, tc.wantCalls);
      for (const c of calls) {
        assert.equal(c.operation, DESCRIBE);
        // The sandbox records the body only of calls it got as far as parsing (not injected faults).
        if (c.fault === undefined) assert.deepEqual(c.input.AssociatedResourceTypes, ['APPLICATION']);
      }
      const attempted = tc.targets.filter((t) => t.region !== undefined);
      assert.deepEqual(
        gate.calls,
        attempted.map((t) => ({ service: 'workspaces', region: REGION, operation: DESCRIBE, targetKey: t.key })),
        'one gated call per target with a region',
      );
    });
  }

  it('groups the WorkSpaces of an account and region together (one view serves them all)', () => {
    const provider = new WorkSpacesProvider({ clients: undefined as never });
    assert.equal(provider.groupKey(workSpaceTarget('ws-eng0000001')), `default/${REGION}`);
    assert.equal(provider.groupKey(workSpaceTarget('ws-eng0000001')), provider.groupKey(workSpaceTarget('ws-eng0000002')));
    assert.notEqual(provider.groupKey(workSpaceTarget('ws-eng0000001')), provider.groupKey(workSpaceTarget('ws-eng0000001', 'eu-west-1')));
  });

  it('starts every target at once; the gate, not the provider, sets the pace', async () => {
    h = await startHarness();
    let inFlight = 0;
    let peak = 0;
    const gate = {
      async call<T>(_info: unknown, send: () => Promise<T>): Promise<T> {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await send();
        } finally {
          inFlight -= 1;
        }
      },
    };
    const targets = ['ws-eng0000001', 'ws-eng0000002', 'ws-eng0000003', 'ws-cc00000001'].map((id) => workSpaceTarget(id));
    const got = await new WorkSpacesProvider({ clients: h.clients, gate, applicationView: false }).observe(targets);
    assert.ok([...got.values()].every((o) => o.ok));
    assert.equal(peak, targets.length);
  });
});
