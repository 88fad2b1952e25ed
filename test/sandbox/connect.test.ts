import assert from 'node:assert/strict';
import {
  AssociateWorkspaceCommand, DescribeWorkspaceCommand, DisassociateWorkspaceCommand, ListRoutingProfilesCommand,
  InvalidParameterException, ListUsersCommand, ListWorkspacesCommand, paginateListUsers, paginateListWorkspaces, SearchWorkspaceAssociationsCommand,
} from '@aws-sdk/client-connect';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BILLING_DESK, clients, INSTANCE, LONDON_INSTANCE, profileArn, REGION, rejection, SUPERVISORS, SUPPORT_FLOOR, userArn } from './helpers.js';

describe('sandbox: Connect operations with the real ConnectClient', () => {
  let sb: Sandbox;
  let connect: ReturnType<typeof clients>['connect'];
  beforeEach(async () => {
    sb = await startSandbox({ quotas: false });
    connect = clients(sb).connect;
  });
  afterEach(() => sb.close());

  it('AssociateWorkspace reports each ARN in SuccessfulList or FailedList with the right code', async () => {
    const otherInstance = `arn:aws:connect:${REGION}:123456789012:instance/${LONDON_INSTANCE}/agent/1a2b3c4d-0000-1111-2222-333344445501`;
    const unknownUser = userArn(99);
    const out = await connect.send(new AssociateWorkspaceCommand({
      InstanceId: INSTANCE, WorkspaceId: BILLING_DESK,
      ResourceArns: [userArn(11), profileArn(2), unknownUser, otherInstance, 'not-an-arn', userArn(11)],
    }));
    assert.deepEqual(out.SuccessfulList, [{ ResourceArn: userArn(11) }, { ResourceArn: profileArn(2) }]);
    assert.deepEqual(out.FailedList?.map((f) => [f.ResourceArn, f.ErrorCode]), [
      [unknownUser, '404'], [otherInstance, '400'], ['not-an-arn', '400'], [userArn(11), '409'],
    ]);
    assert.deepEqual(sb.connectAssociations(REGION, INSTANCE, BILLING_DESK), [profileArn(2), userArn(11)].sort());
  });

  it('AssociateWorkspace of an already associated ARN answers 409 in FailedList and changes nothing', async () => {
    const out = await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [userArn(1)] }));
    assert.deepEqual(out.SuccessfulList, []);
    assert.equal(out.FailedList?.[0].ErrorCode, '409');
    assert.deepEqual(sb.connectAssociations(REGION, INSTANCE, SUPPORT_FLOOR), [userArn(1), userArn(2), userArn(19)]);
  });

  it('DisassociateWorkspace removes associated ARNs and answers 404 for ARNs not associated', async () => {
    const out = await connect.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: [userArn(20), userArn(3)] }));
    assert.deepEqual(out.SuccessfulList, [{ ResourceArn: userArn(20) }]);
    assert.deepEqual(out.FailedList?.map((f) => f.ErrorCode), ['404']);
    assert.deepEqual(sb.connectAssociations(REGION, INSTANCE, SUPERVISORS), [profileArn(4)]);
  });

  it('SearchWorkspaceAssociations returns every field of the seeded associations', async () => {
    const out = await connect.send(new SearchWorkspaceAssociationsCommand({
      InstanceId: INSTANCE, SearchCriteria: { StringCondition: { FieldName: 'WorkspaceId', Value: SUPERVISORS, ComparisonType: 'EXACT' } },
    }));
    assert.equal(out.NextToken, undefined);
    assert.equal(out.ApproximateTotalCount, 2);
    assert.deepEqual(out.WorkspaceAssociations?.map((a) => [a.ResourceType, a.ResourceName, a.ResourceArn, a.WorkspaceId]), [
      ['USER', 'agent20', userArn(20), SUPERVISORS],
      ['ROUTING_PROFILE', 'Supervisors', profileArn(4), SUPERVISORS],
    ]);
    assert.match(out.WorkspaceAssociations?.[0].WorkspaceArn ?? '', /:instance\/4c1b2f0e-[^/]+\/workspace\/5f4e3d2c-/);
  });

  it('ListWorkspaces and DescribeWorkspace return the demo workspaces with Visibility and Date timestamps', async () => {
    const list = await connect.send(new ListWorkspacesCommand({ InstanceId: INSTANCE }));
    assert.deepEqual(list.WorkspaceSummaryList?.map((w) => w.Name).sort(), ['Billing desk', 'Supervisors', 'Support floor']);
    assert.ok(list.WorkspaceSummaryList?.[0].LastModifiedTime instanceof Date);
    const d = await connect.send(new DescribeWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR }));
    assert.equal(d.Workspace?.Name, 'Support floor');
    assert.equal(d.Workspace?.Visibility, 'ASSIGNED');
    assert.equal(d.Workspace?.LastModifiedRegion, REGION);
  });

  it('ListWorkspaces pages one by one in id order; its token is refused for another instance or operation', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListWorkspaces({ client: connect, pageSize: 1 }, { InstanceId: INSTANCE })) {
      pages++;
      for (const w of page.WorkspaceSummaryList ?? []) names.push(w.Name ?? '');
    }
    assert.equal(pages, 3);
    // Sorted by id: 3e8a… Billing desk, 5f4e… Supervisors, 9d2f… Support floor.
    assert.deepEqual(names, ['Billing desk', 'Supervisors', 'Support floor']);
    const first = await connect.send(new ListWorkspacesCommand({ InstanceId: INSTANCE, MaxResults: 1 }));
    const london = clients(sb, { region: 'eu-west-2' }).connect;
    const other = await rejection(london.send(new ListWorkspacesCommand({ InstanceId: LONDON_INSTANCE, NextToken: first.NextToken })));
    assert.ok(other instanceof InvalidParameterException, other.name);
    const users = await rejection(connect.send(new ListUsersCommand({ InstanceId: INSTANCE, NextToken: first.NextToken })));
    assert.ok(users instanceof InvalidParameterException, users.name);
  });

  it('ListUsers pages with maxResults and lists all 20 agents with their ARNs', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListUsers({ client: connect, pageSize: 7 }, { InstanceId: INSTANCE })) {
      pages++;
      for (const u of page.UserSummaryList ?? []) seen.push(`${u.Username} ${u.Arn}`);
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 20);
    assert.ok(seen.includes(`agent07 ${userArn(7)}`));
  });

  it('ListRoutingProfiles lists the four routing profiles', async () => {
    const out = await connect.send(new ListRoutingProfilesCommand({ InstanceId: INSTANCE }));
    assert.deepEqual(out.RoutingProfileSummaryList?.map((r) => r.Name), ['Basic', 'Billing', 'Support', 'Supervisors']);
    assert.equal(out.NextToken, undefined);
  });

  it('serves eu-west-2 from the credential scope region, separately from us-east-1', async () => {
    const london = clients(sb, { region: 'eu-west-2' }).connect;
    const users = await london.send(new ListUsersCommand({ InstanceId: LONDON_INSTANCE }));
    assert.equal(users.UserSummaryList?.length, 5);
    assert.deepEqual(sb.calls.map((c) => c.region), ['eu-west-2']);
  });

  it('records calls with operation, region, account, status and input, never the authorization header', async () => {
    await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: BILLING_DESK, ResourceArns: [userArn(12)] }));
    assert.equal(sb.calls.length, 1);
    const c = sb.calls[0];
    assert.deepEqual([c.service, c.operation, c.region, c.accountId, c.status, c.throttled, c.errorCode], ['connect', 'AssociateWorkspace', REGION, '123456789012', 200, false, undefined]);
    assert.deepEqual(c.input, { InstanceId: INSTANCE, WorkspaceId: BILLING_DESK, ResourceArns: [userArn(12)] });
    assert.ok(!JSON.stringify(sb.calls).includes('Credential='));
    sb.resetCalls();
    assert.equal(sb.calls.length, 0);
  });
});
