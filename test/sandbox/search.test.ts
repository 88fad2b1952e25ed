import assert from 'node:assert/strict';
import { AssociateWorkspaceCommand, DisassociateWorkspaceCommand, paginateSearchWorkspaceAssociations, SearchWorkspaceAssociationsCommand } from '@aws-sdk/client-connect';
import { buildFleetSeed, fleetIds, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { clients, rejection } from './helpers.js';

const INSTANCE = fleetIds.instanceId;
const wsCondition = (i: number) => ({ StringCondition: { FieldName: 'WorkspaceId', Value: fleetIds.connectWorkspaceId(i), ComparisonType: 'EXACT' as const } });

describe('sandbox: SearchWorkspaceAssociations pagination over a fleet', () => {
  let sb: Sandbox;
  let connect: ReturnType<typeof clients>['connect'];
  before(async () => {
    // 20 workspaces × 60 users = 1,200 associations.
    sb = await startSandbox({ quotas: false, seed: buildFleetSeed({ connectWorkspaces: 20, arnsPerWorkspace: 60, users: 100, workspaces: 0, appsPerWorkspace: 0 }) });
    connect = clients(sb).connect;
  });
  after(() => sb.close());

  const cases = [
    { reason: 'the whole instance, 500 per page', criteria: undefined, pageSize: 500, items: 1200, pages: 3 },
    { reason: 'the whole instance, 7 per page', criteria: undefined, pageSize: 7, items: 1200, pages: 172 },
    { reason: 'one workspace, 25 per page', criteria: wsCondition(3), pageSize: 25, items: 60, pages: 3 },
    { reason: 'one workspace, exactly one full page', criteria: wsCondition(4), pageSize: 60, items: 60, pages: 1 },
    { reason: 'USER resources only', criteria: { StringCondition: { FieldName: 'ResourceType', Value: 'USER', ComparisonType: 'EXACT' as const } }, pageSize: 500, items: 1200, pages: 3 },
    { reason: 'ROUTING_PROFILE resources only: none seeded, one empty page', criteria: { StringCondition: { FieldName: 'ResourceType', Value: 'ROUTING_PROFILE', ComparisonType: 'EXACT' as const } }, pageSize: 500, items: 0, pages: 1 },
    { reason: 'Or of two workspaces', criteria: { OrConditions: [wsCondition(1), wsCondition(2)] }, pageSize: 50, items: 120, pages: 3 },
    { reason: 'And of workspace and ResourceId prefix', criteria: { AndConditions: [wsCondition(5), { StringCondition: { FieldName: 'ResourceId', Value: fleetIds.userId(1), ComparisonType: 'EXACT' as const } }] }, pageSize: 10, items: 1, pages: 1 },
  ];
  for (const tc of cases) {
    it(`pages to the end with exact counts and no duplicates: ${tc.reason}`, async () => {
      const seen = new Set<string>();
      let pages = 0;
      let items = 0;
      for await (const page of paginateSearchWorkspaceAssociations({ client: connect, pageSize: tc.pageSize }, { InstanceId: INSTANCE, SearchCriteria: tc.criteria })) {
        pages++;
        assert.equal(page.ApproximateTotalCount, tc.items);
        assert.ok((page.WorkspaceAssociations?.length ?? 0) <= tc.pageSize);
        for (const a of page.WorkspaceAssociations ?? []) {
          items++;
          seen.add(`${a.WorkspaceId} ${a.ResourceArn}`);
        }
      }
      assert.equal(items, tc.items);
      assert.equal(seen.size, tc.items, 'duplicates');
      assert.equal(pages, tc.pages);
    });
  }

  it('the last page omits NextToken; a full page that is not last carries one', async () => {
    const first = await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 500 }));
    assert.equal(typeof first.NextToken, 'string');
    const exact = await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 60, SearchCriteria: wsCondition(0) }));
    assert.equal(exact.WorkspaceAssociations?.length, 60);
    assert.equal(exact.NextToken, undefined);
  });

  it('no duplicates or skips while associations are added and removed between pages', async () => {
    const ws = fleetIds.connectWorkspaceId(7);
    const before = sb.connectAssociations('us-east-1', INSTANCE, ws);
    const seen: string[] = [];
    const removed = new Set<string>();
    let n = 0;
    for await (const page of paginateSearchWorkspaceAssociations({ client: connect, pageSize: 10 }, { InstanceId: INSTANCE, SearchCriteria: wsCondition(7) })) {
      for (const a of page.WorkspaceAssociations ?? []) seen.push(a.ResourceArn ?? '');
      n++;
      // Between pages: remove an item already seen (before the cursor: an offset would now skip one),
      // remove one not yet seen, and add one sorting after the cursor.
      const gone = [seen[0], fleetIds.userArn(60 - n)].filter((a) => !removed.has(a));
      gone.forEach((a) => removed.add(a));
      await connect.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: ws, ResourceArns: gone }));
      await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: ws, ResourceArns: [fleetIds.userArn(60 + n)] }));
    }
    assert.ok(n >= 4);
    assert.equal(new Set(seen).size, seen.length, 'duplicates');
    for (const arn of before) if (!removed.has(arn)) assert.ok(seen.includes(arn), `skipped ${arn}`);
  });

  it('a token from one query is refused for another', async () => {
    const first = await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 5, SearchCriteria: wsCondition(1) }));
    const e = await rejection(connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 5, SearchCriteria: wsCondition(2), NextToken: first.NextToken })));
    assert.equal(e.name, 'InvalidParameterException');
  });
});

describe('sandbox: SearchWorkspaceAssociations at its worst (lag, short pages)', () => {
  let sb: Sandbox;
  let connect: ReturnType<typeof clients>['connect'];
  let now = Date.UTC(2026, 0, 1);
  const ws = fleetIds.connectWorkspaceId(0);
  /** `null`: the whole instance. */
  const arnsOf = async (criteria: ReturnType<typeof wsCondition> | null = wsCondition(0), pageSize = 500) => {
    const out: string[] = [];
    for await (const page of paginateSearchWorkspaceAssociations({ client: connect, pageSize }, { InstanceId: INSTANCE, SearchCriteria: criteria ?? undefined })) {
      for (const a of page.WorkspaceAssociations ?? []) out.push(a.ResourceArn ?? '');
    }
    return out.sort();
  };
  beforeEach(async () => {
    now = Date.UTC(2026, 0, 1);
    sb = await startSandbox({ quotas: false, now: () => now, seed: buildFleetSeed({ connectWorkspaces: 2, arnsPerWorkspace: 4, users: 10, workspaces: 0, appsPerWorkspace: 0 }) });
    connect = clients(sb).connect;
  });
  afterEach(() => sb.close());

  it('searchLagMs: a change is invisible to search until the lag has passed; a removal stays visible as long', async () => {
    sb.setFaults({ searchLagMs: 1000 });
    const seeded = await arnsOf();
    assert.equal(seeded.length, 4);
    const added = fleetIds.userArn(8);
    const removed = seeded[0]!;
    await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: ws, ResourceArns: [added] }));
    await connect.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: ws, ResourceArns: [removed] }));
    assert.deepEqual(sb.connectAssociations('us-east-1', INSTANCE, ws).sort(), [...seeded.slice(1), added].sort(), 'the write itself took effect at once');
    now += 999;
    assert.deepEqual(await arnsOf(), seeded, 'within the lag search shows the state before both changes');
    const page = await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, SearchCriteria: wsCondition(0) }));
    assert.equal(page.ApproximateTotalCount, 4, 'the count lags with the items');
    assert.deepEqual(await arnsOf(null, 3), [...seeded, ...(await arnsOf(wsCondition(1)))].sort(), 'the unfiltered scan lags too, across pages');
    now += 2;
    assert.deepEqual(await arnsOf(), [...seeded.slice(1), added].sort(), 'after the lag search agrees with the writes');
  });

  it('searchLagMs: an association removed and made again within the lag is listed once', async () => {
    sb.setFaults({ searchLagMs: 1000 });
    const seeded = await arnsOf();
    await connect.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: ws, ResourceArns: [seeded[1]!] }));
    await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: ws, ResourceArns: [seeded[1]!] }));
    assert.deepEqual(await arnsOf(), seeded);
  });

  it('maxPageItems: pages hold fewer items than MaxResults asks, and NextToken leads to the rest', async () => {
    sb.setFaults({ maxPageItems: 3 });
    const first = await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 500 }));
    assert.equal(first.WorkspaceAssociations?.length, 3);
    assert.ok(first.NextToken, 'a short page is not the last page');
    assert.equal((await arnsOf(null, 500)).length, 8);
  });

  it('lag and page limits are validated', async () => {
    assert.throws(() => sb.setFaults({ searchLagMs: -1 }), /faults\.searchLagMs/);
    assert.throws(() => sb.setFaults({ maxPageItems: 501 }), /faults\.maxPageItems/);
  });
});

describe('sandbox: searchCriteria, what SearchWorkspaceAssociations does with SearchCriteria (AWS does not document its field names)', () => {
  let sb: Sandbox;
  let connect: ReturnType<typeof clients>['connect'];
  before(async () => {
    sb = await startSandbox({ quotas: false, seed: buildFleetSeed({ connectWorkspaces: 20, arnsPerWorkspace: 60, users: 100, workspaces: 0, appsPerWorkspace: 0 }) });
    connect = clients(sb).connect;
  });
  after(() => sb.close());
  afterEach(() => sb.setFaults({ searchCriteria: 'honour' }));
  const filtered = () => connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 500, SearchCriteria: wsCondition(3) }));

  it('honour: only the workspace asked for, and its count', async () => {
    const page = await filtered();
    assert.equal(page.WorkspaceAssociations?.length, 60);
    assert.ok(page.WorkspaceAssociations?.every((a) => a.WorkspaceId === fleetIds.connectWorkspaceId(3)));
    assert.equal(page.ApproximateTotalCount, 60);
  });

  it('reject: 400 InvalidParameterException for any request with SearchCriteria; without it, answered', async () => {
    sb.setFaults({ searchCriteria: 'reject' });
    const e = await rejection(filtered());
    assert.equal(e.name, 'InvalidParameterException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    const page = await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 500 }));
    assert.equal(page.WorkspaceAssociations?.length, 500);
  });

  it('ignore: the whole instance, as if no criteria were sent, its page tokens included', async () => {
    sb.setFaults({ searchCriteria: 'ignore' });
    const page = await filtered();
    assert.equal(page.ApproximateTotalCount, 1200);
    assert.equal(page.WorkspaceAssociations?.[0]?.WorkspaceId, fleetIds.connectWorkspaceId(0));
    let items = 0;
    for await (const p of paginateSearchWorkspaceAssociations({ client: connect, pageSize: 500 }, { InstanceId: INSTANCE, SearchCriteria: wsCondition(3) })) items += p.WorkspaceAssociations?.length ?? 0;
    assert.equal(items, 1200);
  });

  it('is validated', () => {
    assert.throws(() => sb.setFaults({ searchCriteria: 'sometimes' as never }), /faults\.searchCriteria/);
  });
});
