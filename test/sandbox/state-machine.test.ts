import assert from 'node:assert/strict';
import {
  AssociateWorkspaceApplicationCommand, DeployWorkspaceApplicationsCommand, DescribeApplicationAssociationsCommand, DescribeWorkspaceAssociationsCommand,
  DisassociateWorkspaceApplicationCommand, ResourceInUseException,
} from '@aws-sdk/client-workspaces';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { clients, FakeClock, rejection, REGION } from './helpers.js';

const STEP = 1000;
const WS = 'ws-eng0000003';
const APP = 'wsa-slack00001';

describe('sandbox: the WorkSpaces association state machine (injected clock)', () => {
  let sb: Sandbox;
  let clock: FakeClock;
  let ws: ReturnType<typeof clients>['workspaces'];
  const state = (workspaceId = WS, app = APP) => sb.workspaceAssociations(REGION, workspaceId).find((a) => a.applicationId === app);
  const observed = async (workspaceId = WS) =>
    (await ws.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: workspaceId, AssociatedResourceTypes: ['APPLICATION'] }))).Associations ?? [];
  const deploy = (Force?: boolean, WorkspaceId = WS) => ws.send(new DeployWorkspaceApplicationsCommand({ WorkspaceId, Force }));

  beforeEach(async () => {
    clock = new FakeClock();
    sb = await startSandbox({ quotas: false, stepDelayMs: STEP, now: clock.now });
    ws = clients(sb).workspaces;
  });
  afterEach(() => sb.close());

  it('install: PENDING_INSTALL stays until deployed, then PENDING_INSTALL_DEPLOYMENT → INSTALLING → COMPLETED one step each', async () => {
    await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: WS, ApplicationId: APP }));
    clock.advance(10 * STEP);
    assert.equal(state()?.state, 'PENDING_INSTALL', 'nothing happens without a deployment');
    await deploy();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const a = (await observed()).find((x) => x.AssociatedResourceId === APP);
      seen.push(a?.State ?? 'absent');
      clock.advance(STEP / 2);
    }
    clock.advance(STEP);
    seen.push(state()?.state ?? 'absent');
    assert.deepEqual(seen, ['PENDING_INSTALL_DEPLOYMENT', 'PENDING_INSTALL_DEPLOYMENT', 'INSTALLING', 'INSTALLING', 'COMPLETED']);
  });

  it('uninstall: COMPLETED → PENDING_UNINSTALL → PENDING_UNINSTALL_DEPLOYMENT → UNINSTALLING → REMOVED, which stays visible', async () => {
    const out = await ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-chrome0001' }));
    assert.equal(out.Association?.State, 'PENDING_UNINSTALL');
    const d = await deploy(undefined, 'ws-eng0000001');
    assert.equal(d.Deployment?.Associations?.[0].State, 'PENDING_UNINSTALL_DEPLOYMENT');
    clock.advance(STEP);
    assert.equal(state('ws-eng0000001', 'wsa-chrome0001')?.state, 'UNINSTALLING');
    clock.advance(STEP);
    assert.deepEqual((await observed('ws-eng0000001')).map((a) => [a.AssociatedResourceId, a.State]), [['wsa-chrome0001', 'REMOVED']]);
    const again = await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-chrome0001' }));
    assert.equal(again.Association?.State, 'PENDING_INSTALL', 're-associating replaces REMOVED');
  });

  it('the scripted demo outcome: ERROR once, not redeployed without Force, redeployed with Force, then COMPLETED', async () => {
    await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000002', ApplicationId: 'wsa-vscode0001' }));
    await deploy(false, 'ws-eng0000002');
    clock.advance(2 * STEP);
    const failed = (await observed('ws-eng0000002'))[0];
    assert.equal(failed.State, 'ERROR');
    assert.equal(failed.StateReason?.ErrorCode, 'DeploymentError.WorkspaceUnreachable');
    const plain = await deploy(false, 'ws-eng0000002');
    assert.deepEqual(plain.Deployment?.Associations, []);
    clock.advance(5 * STEP);
    assert.equal(state('ws-eng0000002', 'wsa-vscode0001')?.state, 'ERROR', 'ERROR is not redeployed without Force');
    const forced = await deploy(true, 'ws-eng0000002');
    assert.deepEqual(forced.Deployment?.Associations?.map((a) => [a.State, a.StateReason]), [['PENDING_INSTALL_DEPLOYMENT', undefined]]);
    clock.advance(2 * STEP);
    assert.deepEqual(state('ws-eng0000002', 'wsa-vscode0001'), { applicationId: 'wsa-vscode0001', state: 'COMPLETED' });
  });

  it('an always-failing outcome (ValidationError) fails every deployment, Force included', async () => {
    sb.setFaults({ deployOutcomes: [{ applicationId: APP, errorCode: 'ValidationError.UnsupportedOperatingSystem' }] });
    await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: WS, ApplicationId: APP }));
    await deploy();
    for (let i = 0; i < 3; i++) {
      clock.advance(2 * STEP);
      assert.equal(state()?.reasonCode, 'ValidationError.UnsupportedOperatingSystem');
      await deploy(true);
    }
  });

  it('a failed uninstall is redeployed as an uninstall with Force', async () => {
    sb.setFaults({ deployOutcomes: [{ applicationId: 'wsa-chrome0001', errorCode: 'DeploymentError.InternalServerError', phase: 'uninstall', times: 1 }] });
    await ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-chrome0001' }));
    await deploy(false, 'ws-eng0000001');
    clock.advance(2 * STEP);
    assert.equal(state('ws-eng0000001', 'wsa-chrome0001')?.state, 'ERROR');
    const forced = await deploy(true, 'ws-eng0000001');
    assert.equal(forced.Deployment?.Associations?.[0].State, 'PENDING_UNINSTALL_DEPLOYMENT');
    clock.advance(2 * STEP);
    assert.equal(state('ws-eng0000001', 'wsa-chrome0001')?.state, 'REMOVED');
  });

  const inFlight = [
    { reason: 'deploy while PENDING_INSTALL_DEPLOYMENT', after: 0, call: () => deploy() },
    { reason: 'deploy while INSTALLING', after: STEP, call: () => deploy(true) },
    { reason: 'disassociate while PENDING_INSTALL_DEPLOYMENT', after: 0, call: () => ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: WS, ApplicationId: APP })) },
    { reason: 'disassociate while INSTALLING', after: STEP, call: () => ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: WS, ApplicationId: APP })) },
  ];
  for (const tc of inFlight) {
    it(`ResourceInUseException: ${tc.reason}`, async () => {
      await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: WS, ApplicationId: APP }));
      await deploy();
      clock.advance(tc.after);
      const e = await rejection(tc.call());
      assert.ok(e instanceof ResourceInUseException, e.name);
      assert.equal(e.ResourceId, WS);
    });
  }

  it('a second disassociate of a PENDING_UNINSTALL association is refused as in use', async () => {
    await ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-chrome0001' }));
    const e = await rejection(ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-chrome0001' })));
    assert.ok(e instanceof ResourceInUseException);
  });

  it('DescribeApplicationAssociations advances states too', async () => {
    await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: WS, ApplicationId: APP }));
    await deploy();
    clock.advance(2 * STEP);
    const out = await ws.send(new DescribeApplicationAssociationsCommand({ ApplicationId: APP, AssociatedResourceTypes: ['WORKSPACE'] }));
    assert.deepEqual(out.Associations?.map((a) => [a.AssociatedResourceId, a.State]), [[WS, 'COMPLETED']]);
    assert.equal(out.Associations?.[0].LastUpdatedTime?.getTime(), clock.t);
  });
});
