import assert from 'node:assert/strict';
import {
  AccessDeniedException, ApplicationNotSupportedException, AssociateWorkspaceApplicationCommand, ComputeNotCompatibleException,
  DeployWorkspaceApplicationsCommand, DescribeApplicationAssociationsCommand, DescribeApplicationsCommand, DescribeWorkspaceAssociationsCommand,
  DescribeWorkspacesCommand, DisassociateWorkspaceApplicationCommand, IncompatibleApplicationsException, InvalidParameterValuesException,
  OperatingSystemNotCompatibleException, OperationNotSupportedException, paginateDescribeApplications, paginateDescribeWorkspaces,
  ResourceAlreadyExistsException, ResourceInUseException, ResourceNotFoundException, ResourceUnavailableException, WorkSpacesServiceException,
} from '@aws-sdk/client-workspaces';
import { startSandbox, type FaultOptions, type Sandbox, type Seed } from '../../src/sandbox/index.js';
import { clients, rejection, REGION } from './helpers.js';

type WorkSpaces = ReturnType<typeof clients>['workspaces'];

describe('sandbox: WorkSpaces operations with the real WorkSpacesClient', () => {
  let sb: Sandbox;
  let ws: WorkSpaces;
  beforeEach(async () => {
    sb = await startSandbox({ quotas: false, stepDelayMs: 60_000 });
    ws = clients(sb).workspaces;
  });
  afterEach(() => sb.close());

  it('AssociateWorkspaceApplication creates PENDING_INSTALL and returns the association', async () => {
    const out = await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-vscode0001' }));
    assert.equal(out.Association?.State, 'PENDING_INSTALL');
    assert.equal(out.Association?.AssociatedResourceId, 'wsa-vscode0001');
    assert.equal(out.Association?.AssociatedResourceType, 'APPLICATION');
    assert.ok(out.Association?.Created instanceof Date);
  });

  it('DescribeWorkspaceAssociations shows the seeded associations', async () => {
    const out = await ws.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: 'ws-cc00000001', AssociatedResourceTypes: ['APPLICATION'] }));
    assert.deepEqual(out.Associations?.map((a) => [a.AssociatedResourceId, a.State, a.WorkspaceId]), [['wsa-zoom000001', 'COMPLETED', 'ws-cc00000001']]);
  });

  it('DisassociateWorkspaceApplication of a never-deployed association removes it at once', async () => {
    const out = await ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000002', ApplicationId: 'wsa-chrome0001' }));
    assert.equal(out.Association?.State, 'REMOVED');
  });

  it('DeployWorkspaceApplications moves pending associations and returns them', async () => {
    await ws.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000001', ApplicationId: 'wsa-zoom000001' }));
    await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000001', ApplicationId: 'wsa-office0001' }));
    const out = await ws.send(new DeployWorkspaceApplicationsCommand({ WorkspaceId: 'ws-cc00000001' }));
    assert.deepEqual(out.Deployment?.Associations?.map((a) => [a.AssociatedResourceId, a.State]), [
      ['wsa-office0001', 'PENDING_INSTALL_DEPLOYMENT'], ['wsa-zoom000001', 'PENDING_UNINSTALL_DEPLOYMENT'],
    ]);
  });

  it('DescribeApplicationAssociations pages over WorkSpaces using an application', async () => {
    for (const id of ['ws-eng0000002', 'ws-eng0000003', 'ws-cc00000003']) {
      await ws.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: id, ApplicationId: 'wsa-chrome0001' }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ws.send(new DescribeApplicationAssociationsCommand({ ApplicationId: 'wsa-chrome0001', AssociatedResourceTypes: ['WORKSPACE'], MaxResults: 2, NextToken: token }));
      pages++;
      for (const a of page.Associations ?? []) seen.push(`${a.AssociatedResourceId} ${a.State}`);
      token = page.NextToken;
    } while (token !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['ws-cc00000002 PENDING_INSTALL', 'ws-cc00000003 PENDING_INSTALL', 'ws-eng0000001 COMPLETED', 'ws-eng0000002 PENDING_INSTALL', 'ws-eng0000003 PENDING_INSTALL']);
  });

  it('DescribeApplications pages through the catalog and filters by id and operating system', async () => {
    const names: string[] = [];
    for await (const page of paginateDescribeApplications({ client: ws, pageSize: 4 }, {})) for (const a of page.Applications ?? []) names.push(a.Name ?? '');
    assert.equal(names.length, 6);
    const byId = await ws.send(new DescribeApplicationsCommand({ ApplicationIds: ['wsa-slack00001', 'wsa-unknown001'] }));
    assert.deepEqual(byId.Applications?.map((a) => a.Name), ['Slack']);
    const win10only = await ws.send(new DescribeApplicationsCommand({ OperatingSystemNames: ['WINDOWS_10'] }));
    assert.ok(win10only.Applications?.some((a) => a.ApplicationId === 'wsa-legacy0001'));
  });

  it('DescribeWorkspaces pages with Limit and filters by ids or directory', async () => {
    const ids: string[] = [];
    for await (const page of paginateDescribeWorkspaces({ client: ws, pageSize: 3 }, {})) for (const w of page.Workspaces ?? []) ids.push(w.WorkspaceId ?? '');
    assert.equal(ids.length, 7);
    const one = await ws.send(new DescribeWorkspacesCommand({ WorkspaceIds: ['ws-eng0000002', 'ws-missing0001'] }));
    assert.deepEqual(one.Workspaces?.map((w) => [w.WorkspaceId, w.UserName, w.State, w.WorkspaceProperties?.OperatingSystemName]), [['ws-eng0000002', 'eng2', 'AVAILABLE', 'WINDOWS_11']]);
    const dir = await ws.send(new DescribeWorkspacesCommand({ DirectoryId: 'd-9067a1b2c3' }));
    assert.equal(dir.Workspaces?.length, 3);
  });
});

interface ErrorCase {
  reason: string;
  call: (c: WorkSpaces) => Promise<unknown>;
  faults?: FaultOptions;
  seed?: Seed;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type: abstract new (...args: any[]) => Error;
  resourceId?: string;
}

const assoc = (WorkspaceId: string, ApplicationId: string) => (c: WorkSpaces) => c.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId, ApplicationId }));
const disassoc = (WorkspaceId: string, ApplicationId: string) => (c: WorkSpaces) => c.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId, ApplicationId }));
const smallSeed: Seed = {
  accounts: [{ id: '111122223333', regions: { 'us-east-1': { workspaces: {
    applications: [{ id: 'wsa-gpuonly001', name: 'GPU tool', computeTypes: ['GRAPHICS_G4DN'] }, { id: 'wsa-retired001', name: 'Retired', state: 'UNINSTALL_ONLY' }, { id: 'wsa-chrome0001', name: 'Chrome' }],
    workspaces: [{ id: 'ws-small000001' }, { id: 'ws-gone0000001', state: 'TERMINATED' }],
  } } } }],
};

const errorCases: ErrorCase[] = [
  { reason: 'a malformed WorkSpace id → InvalidParameterValuesException', type: InvalidParameterValuesException, call: assoc('not-a-ws', 'wsa-vscode0001') },
  { reason: 'a malformed application id → InvalidParameterValuesException', type: InvalidParameterValuesException, call: assoc('ws-eng0000001', 'vscode') },
  { reason: 'a missing WorkspaceId → InvalidParameterValuesException', type: InvalidParameterValuesException, call: (c) => c.send(new DeployWorkspaceApplicationsCommand({} as never)) },
  { reason: 'DescribeWorkspaceAssociations without AssociatedResourceTypes → InvalidParameterValuesException', type: InvalidParameterValuesException,
    call: (c) => c.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: 'ws-eng0000001' } as never)) },
  { reason: 'DescribeApplications MaxResults 26 → InvalidParameterValuesException', type: InvalidParameterValuesException, call: (c) => c.send(new DescribeApplicationsCommand({ MaxResults: 26 })) },
  { reason: 'DescribeApplications with 26 ids → InvalidParameterValuesException', type: InvalidParameterValuesException,
    call: (c) => c.send(new DescribeApplicationsCommand({ ApplicationIds: Array.from({ length: 26 }, (_, i) => `wsa-app${String(i).padStart(5, '0')}`) })) },
  { reason: 'DescribeWorkspaces with two filters → InvalidParameterValuesException', type: InvalidParameterValuesException,
    call: (c) => c.send(new DescribeWorkspacesCommand({ WorkspaceIds: ['ws-eng0000001'], DirectoryId: 'd-9067a1b2c3' })) },
  { reason: 'DescribeWorkspaces Limit 26 → InvalidParameterValuesException', type: InvalidParameterValuesException, call: (c) => c.send(new DescribeWorkspacesCommand({ Limit: 26 })) },
  { reason: 'a forged NextToken → InvalidParameterValuesException', type: InvalidParameterValuesException, call: (c) => c.send(new DescribeWorkspacesCommand({ NextToken: 'forged' })) },
  { reason: 'an unknown WorkSpace → ResourceNotFoundException with ResourceId', type: ResourceNotFoundException, resourceId: 'ws-missing0001', call: assoc('ws-missing0001', 'wsa-vscode0001') },
  { reason: 'an unknown application → ResourceNotFoundException with ResourceId', type: ResourceNotFoundException, resourceId: 'wsa-missing001', call: assoc('ws-eng0000001', 'wsa-missing001') },
  { reason: 'disassociating what is not associated → ResourceNotFoundException', type: ResourceNotFoundException, call: disassoc('ws-eng0000001', 'wsa-slack00001') },
  { reason: 'DescribeApplicationAssociations of an unknown application → ResourceNotFoundException', type: ResourceNotFoundException,
    call: (c) => c.send(new DescribeApplicationAssociationsCommand({ ApplicationId: 'wsa-missing001', AssociatedResourceTypes: ['WORKSPACE'] })) },
  { reason: 'an existing association → ResourceAlreadyExistsException', type: ResourceAlreadyExistsException, call: assoc('ws-eng0000001', 'wsa-chrome0001') },
  { reason: 'a PENDING_INSTALL association also already exists', type: ResourceAlreadyExistsException, call: assoc('ws-cc00000002', 'wsa-chrome0001') },
  { reason: 'an application for another operating system → OperatingSystemNotCompatibleException', type: OperatingSystemNotCompatibleException, call: assoc('ws-eng0000001', 'wsa-legacy0001') },
  { reason: 'an application for other compute types → ComputeNotCompatibleException', type: ComputeNotCompatibleException, seed: smallSeed, call: assoc('ws-small000001', 'wsa-gpuonly001') },
  { reason: 'an application that is UNINSTALL_ONLY → ApplicationNotSupportedException', type: ApplicationNotSupportedException, seed: smallSeed, call: assoc('ws-small000001', 'wsa-retired001') },
  { reason: 'a TERMINATED WorkSpace → OperationNotSupportedException', type: OperationNotSupportedException, seed: smallSeed, call: assoc('ws-gone0000001', 'wsa-chrome0001') },
  { reason: 'scripted AccessDeniedException', type: AccessDeniedException, faults: { scriptedErrors: [{ operation: 'DescribeWorkspaces', code: 'AccessDeniedException' }] }, call: (c) => c.send(new DescribeWorkspacesCommand({})) },
  { reason: 'scripted ResourceUnavailableException', type: ResourceUnavailableException, faults: { scriptedErrors: [{ operation: 'DescribeWorkspaces', code: 'ResourceUnavailableException' }] }, call: (c) => c.send(new DescribeWorkspacesCommand({})) },
  { reason: 'scripted IncompatibleApplicationsException', type: IncompatibleApplicationsException, faults: { scriptedErrors: [{ operation: 'DeployWorkspaceApplications', code: 'IncompatibleApplicationsException' }] },
    call: (c) => c.send(new DeployWorkspaceApplicationsCommand({ WorkspaceId: 'ws-eng0000001' })) },
  { reason: 'scripted ResourceInUseException', type: ResourceInUseException, faults: { scriptedErrors: [{ operation: 'AssociateWorkspaceApplication', code: 'ResourceInUseException' }] }, call: assoc('ws-eng0000001', 'wsa-slack00001') },
];

describe('sandbox: every WorkSpaces error arrives as its SDK exception class', () => {
  for (const tc of errorCases) {
    it(tc.reason, async () => {
      const sb = await startSandbox({ quotas: false, seed: tc.seed, faults: tc.faults });
      try {
        const e = await rejection(tc.call(clients(sb).workspaces));
        assert.ok(e instanceof tc.type, `expected ${tc.type.name}, got ${e.name}: ${e.message}`);
        assert.ok(e instanceof WorkSpacesServiceException);
        assert.equal(e.$metadata.httpStatusCode, 400);
        if (tc.resourceId !== undefined) assert.equal(e.ResourceId, tc.resourceId);
        assert.equal(sb.calls.at(-1)?.errorCode, e.name);
      } finally {
        await sb.close();
      }
    });
  }

  it('an unknown x-amz-target answers 400 UnknownOperationException', async () => {
    const sb = await startSandbox({ quotas: false });
    try {
      const res = await fetch(`${sb.endpoint}/`, { method: 'POST', body: '{}', headers: { 'x-amz-target': 'WorkspacesService.RebootWorkspaces', authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/${REGION}/workspaces/aws4_request` } });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { __type: string }).__type, 'UnknownOperationException');
    } finally {
      await sb.close();
    }
  });
});
