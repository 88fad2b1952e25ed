/**
 * WorkSpacesProvider.execute against the sandbox with real SDK clients: associate, disassociate
 * and deploy, idempotent answers counted as done, errors classified, and deployments followed
 * through their states on the sandbox's injected clock.
 */
import assert from 'node:assert/strict';
import { AwsCallError, RetryableError, TerminalError, ThrottledError } from '../../src/providers/errors.js';
import { WorkSpacesProvider } from '../../src/providers/workspaces/index.js';
import type { Action } from '../../src/providers/types.js';
import type { ObservedApplication } from '../../src/reconciler/types.js';
import type { SandboxAppAssociation, SandboxOptions } from '../../src/sandbox/index.js';
import { REGION, RecordingGate, SUPPORT_FLOOR, connectTarget, startHarness, withoutRegion, workSpaceTarget, type Harness } from './fixtures.js';

const STEP_MS = 1000;

const associate = (ws: string, app: string): Action => ({ type: 'associate', target: workSpaceTarget(ws), items: [app] });
const disassociate = (ws: string, app: string): Action => ({ type: 'disassociate', target: workSpaceTarget(ws), items: [app] });
const deploy = (ws: string, force = false): Action => ({ type: 'deploy', target: workSpaceTarget(ws), force });

const OPERATION = {
  associate: 'AssociateWorkspaceApplication',
  disassociate: 'DisassociateWorkspaceApplication',
  deploy: 'DeployWorkspaceApplications',
} as const;

type ErrorClass = typeof TerminalError | typeof RetryableError | typeof ThrottledError;

interface Case {
  reason: string;
  action: Action;
  sandbox?: SandboxOptions;
  /** `done` of the result, or the error wanted. */
  want: string[] | { kind: ErrorClass; code: string; attempts: number };
  /** The WorkSpace's associations in the sandbox afterwards. */
  after?: SandboxAppAssociation[];
  /** The request body members the sandbox saw (successful calls). */
  wantInput?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    reason: 'associate: a new pair is done and PENDING_INSTALL (recorded, not deployed)',
    action: associate('ws-eng0000001', 'wsa-vscode0001'),
    want: ['wsa-vscode0001'],
    after: [
      { applicationId: 'wsa-chrome0001', state: 'COMPLETED' },
      { applicationId: 'wsa-vscode0001', state: 'PENDING_INSTALL' },
    ],
    wantInput: { WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-vscode0001' },
  },
  {
    reason: 'associate: ResourceAlreadyExistsException means already associated, so done',
    action: associate('ws-eng0000001', 'wsa-chrome0001'),
    want: ['wsa-chrome0001'],
    after: [{ applicationId: 'wsa-chrome0001', state: 'COMPLETED' }],
  },
  {
    reason: 'disassociate: a deployed pair is done and PENDING_UNINSTALL',
    action: disassociate('ws-cc00000001', 'wsa-zoom000001'),
    want: ['wsa-zoom000001'],
    after: [{ applicationId: 'wsa-zoom000001', state: 'PENDING_UNINSTALL' }],
    wantInput: { WorkspaceId: 'ws-cc00000001', ApplicationId: 'wsa-zoom000001' },
  },
  {
    reason: 'disassociate: a never-deployed pair is done and REMOVED at once',
    action: disassociate('ws-cc00000002', 'wsa-chrome0001'),
    want: ['wsa-chrome0001'],
    after: [{ applicationId: 'wsa-chrome0001', state: 'REMOVED' }],
  },
  {
    reason: 'disassociate: ResourceNotFoundException means already gone, so done',
    action: disassociate('ws-eng0000003', 'wsa-slack00001'),
    want: ['wsa-slack00001'],
    after: [],
  },
  {
    reason: 'deploy without Force sends no Force and moves pending pairs into deployment',
    action: deploy('ws-cc00000002'),
    want: ['ws-cc00000002'],
    after: [{ applicationId: 'wsa-chrome0001', state: 'PENDING_INSTALL_DEPLOYMENT' }],
    wantInput: { WorkspaceId: 'ws-cc00000002' },
  },
  {
    reason: 'deploy with Force sends Force: true',
    action: deploy('ws-cc00000002', true),
    want: ['ws-cc00000002'],
    after: [{ applicationId: 'wsa-chrome0001', state: 'PENDING_INSTALL_DEPLOYMENT' }],
    wantInput: { WorkspaceId: 'ws-cc00000002', Force: true },
  },
  {
    reason: 'associate: an application for WINDOWS_10 only on a WINDOWS_11 WorkSpace is terminal (OperatingSystemNotCompatibleException)',
    action: associate('ws-eng0000001', 'wsa-legacy0001'),
    want: { kind: TerminalError, code: 'OperatingSystemNotCompatibleException', attempts: 1 },
    after: [{ applicationId: 'wsa-chrome0001', state: 'COMPLETED' }],
  },
  {
    reason: 'associate: an unknown WorkSpace is terminal (ResourceNotFoundException)',
    action: associate('ws-missing0001', 'wsa-chrome0001'),
    want: { kind: TerminalError, code: 'ResourceNotFoundException', attempts: 1 },
  },
  {
    reason: 'deploy: IncompatibleApplicationsException is terminal',
    action: deploy('ws-cc00000002'),
    sandbox: { faults: { scriptedErrors: [{ operation: OPERATION.deploy, code: 'IncompatibleApplicationsException' }] } },
    want: { kind: TerminalError, code: 'IncompatibleApplicationsException', attempts: 1 },
  },
  {
    reason: 'associate: a throttled call (HTTP 400 ThrottlingException) is a ThrottledError after 1 attempt',
    action: associate('ws-eng0000001', 'wsa-vscode0001'),
    sandbox: { faults: { throttleRate: 1, operations: [OPERATION.associate] } },
    want: { kind: ThrottledError, code: 'ThrottlingException', attempts: 1 },
  },
  {
    reason: 'disassociate: a 500 on every attempt is retryable after 3 attempts',
    action: disassociate('ws-cc00000001', 'wsa-zoom000001'),
    sandbox: { faults: { errorRate: 1, operations: [OPERATION.disassociate] } },
    want: { kind: RetryableError, code: 'InternalServerException', attempts: 3 },
    after: [{ applicationId: 'wsa-zoom000001', state: 'COMPLETED' }],
  },
];

describe('providers/workspaces execute', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const tc of cases) {
    it(tc.reason, async () => {
      h = await startHarness({ stepDelayMs: STEP_MS, ...tc.sandbox });
      const gate = new RecordingGate();
      const provider = new WorkSpacesProvider({ clients: h.clients, gate });
      const operation = OPERATION[tc.action.type];
      const target = tc.action.target;
      assert.deepEqual(gate.calls, []);
      const got = await provider.execute(tc.action).then(
        (r) => r,
        (e: unknown) => e,
      );
      const last = h.sandbox.calls.at(-1);
      if (Array.isArray(tc.want)) {
        assert.ok(!(got instanceof Error), `unexpected ${String(got)}`);
        assert.deepEqual(got, { done: tc.want, failed: [], requestId: last?.requestId });
        assert.equal(h.sandbox.calls.length, 1);
      } else {
        assert.ok(got instanceof tc.want.kind, `${String(got)} is a ${tc.want.kind.name}`);
        assert.ok(got instanceof AwsCallError);
        assert.equal(got.code, tc.want.code);
        assert.equal(got.attempts, tc.want.attempts);
        assert.equal(got.operation, operation);
        assert.equal(got.targetKey, target.key);
        assert.equal(got.requestId, last?.requestId);
        assert.ok(got.requestId);
        assert.equal(h.sandbox.calls.length, tc.want.attempts);
      }
      assert.ok(h.sandbox.calls.every((c) => c.operation === operation));
      assert.deepEqual(gate.calls, [{ service: 'workspaces', region: REGION, operation, targetKey: target.key }]);
      if (tc.wantInput) assert.deepEqual(last?.input, tc.wantInput);
      if (tc.after) assert.deepEqual(h.sandbox.workspaceAssociations(REGION, target.type === 'workspaces' ? target.workspaceId : ''), tc.after);
    });
  }

  it('follows a deployment: in flight, a second deploy is ResourceInUse (retryable), then COMPLETED', async () => {
    h = await startHarness({ stepDelayMs: STEP_MS });
    const provider = new WorkSpacesProvider({ clients: h.clients });
    const ws = 'ws-cc00000002';

    assert.deepEqual((await provider.execute(deploy(ws))).done, [ws]);
    assert.deepEqual(await observe(provider, ws), [{ applicationId: 'wsa-chrome0001', state: 'PENDING_INSTALL_DEPLOYMENT' }]);

    const busy = await provider.execute(deploy(ws)).catch((e: unknown) => e);
    assert.ok(busy instanceof RetryableError, `${String(busy)} is retryable`);
    assert.equal(busy.code, 'ResourceInUseException');
    const busyRemove = await provider.execute(disassociate(ws, 'wsa-chrome0001')).catch((e: unknown) => e);
    assert.ok(busyRemove instanceof RetryableError, `${String(busyRemove)} is retryable`);
    assert.equal(busyRemove.code, 'ResourceInUseException');

    h.clock.now += STEP_MS;
    assert.deepEqual(await observe(provider, ws), [{ applicationId: 'wsa-chrome0001', state: 'INSTALLING' }]);
    h.clock.now += STEP_MS;
    assert.deepEqual(await observe(provider, ws), [{ applicationId: 'wsa-chrome0001', state: 'COMPLETED' }]);
  });

  it('a failed deployment stays ERROR under a plain deploy and is redeployed with Force', async () => {
    // The demo seed fails the first deployment of wsa-vscode0001 to ws-eng0000002 once.
    h = await startHarness({ stepDelayMs: STEP_MS });
    const provider = new WorkSpacesProvider({ clients: h.clients });
    const ws = 'ws-eng0000002';
    const app = 'wsa-vscode0001';
    await provider.execute(associate(ws, app));
    await provider.execute(deploy(ws));
    h.clock.now += 2 * STEP_MS;
    const failed: ObservedApplication = {
      applicationId: app,
      state: 'ERROR',
      reasonCode: 'DeploymentError.WorkspaceUnreachable',
      reasonMessage: 'The WorkSpace could not be reached during deployment.',
    };
    assert.deepEqual(await observe(provider, ws), [failed]);

    assert.deepEqual((await provider.execute(deploy(ws, false))).done, [ws]);
    h.clock.now += 2 * STEP_MS;
    assert.deepEqual(await observe(provider, ws), [failed], 'without Force a failed deployment is not retried');

    assert.deepEqual((await provider.execute(deploy(ws, true))).done, [ws]);
    assert.deepEqual(await observe(provider, ws), [{ applicationId: app, state: 'PENDING_INSTALL_DEPLOYMENT' }]);
    h.clock.now += 2 * STEP_MS;
    assert.deepEqual(await observe(provider, ws), [{ applicationId: app, state: 'COMPLETED' }]);
    assert.deepEqual(
      h.callsOf(OPERATION.deploy).map((c) => c.input.Force),
      [undefined, undefined, true],
      'Force is sent only when asked for',
    );
  });

  const refused: { reason: string; action: Action }[] = [
    { reason: 'two applications in one associate', action: { type: 'associate', target: workSpaceTarget('ws-eng0000001'), items: ['wsa-vscode0001', 'wsa-slack00001'] as never } },
    { reason: 'no application in a disassociate', action: { type: 'disassociate', target: workSpaceTarget('ws-eng0000001'), items: [] as never } },
    { reason: 'a Connect target', action: { type: 'associate', target: connectTarget(SUPPORT_FLOOR), items: ['arn:x'] } },
  ];
  for (const tc of refused) {
    it(`refuses ${tc.reason} with a TypeError before any call`, async () => {
      h = await startHarness();
      await assert.rejects(new WorkSpacesProvider({ clients: h.clients }).execute(tc.action), TypeError);
      assert.equal(h.sandbox.calls.length, 0);
    });
  }

  it('a target without a region fails terminally with MissingRegion before any call', async () => {
    h = await startHarness();
    const err = await new WorkSpacesProvider({ clients: h.clients })
      .execute({ type: 'deploy', target: withoutRegion(workSpaceTarget('ws-eng0000001')), force: false })
      .catch((e: unknown) => e);
    assert.ok(err instanceof TerminalError);
    assert.equal(err.code, 'MissingRegion');
    assert.equal(h.sandbox.calls.length, 0);
  });
});

async function observe(provider: WorkSpacesProvider, workspaceId: string): Promise<ObservedApplication[]> {
  const t = workSpaceTarget(workspaceId);
  const o = (await provider.observe([t])).get(t.key);
  assert.ok(o?.ok && o.observed.type === 'workspaces', `observed ${workspaceId}`);
  return [...o.observed.applications.values()];
}
