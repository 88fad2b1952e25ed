import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListUsersCommand, SearchUsersCommand, type SearchUsersCommandInput } from '@aws-sdk/client-connect';
import { DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import { buildFleetSeed, demoSeedPath, fleetIds, SeedError, startSandbox } from '../../src/sandbox/index.js';
import { clients } from './helpers.js';

const account = (regions: unknown) => ({ accounts: [{ id: '123456789012', regions }] });
/** One WorkSpace ws-abcdefgh01 in us-east-1 with the given fields. */
const workSpace = (fields: Record<string, unknown>) => account({ 'us-east-1': { workspaces: { workspaces: [{ id: 'ws-abcdefgh01', ...fields }] } } });
/** One Connect instance `i1` in us-east-1 with the given contents. */
const instance = (contents: Record<string, unknown>) => account({ 'us-east-1': { connect: { instances: [{ id: 'i1', ...contents }] } } });

describe('sandbox: seed validation', () => {
  const cases: { reason: string; seed: unknown; problem: RegExp }[] = [
    { reason: 'not a mapping', seed: [1, 2], problem: /^seed: expected a mapping/ },
    { reason: 'no accounts', seed: { accounts: [] }, problem: /accounts: at least one account/ },
    { reason: 'missing accounts', seed: {}, problem: /seed\.accounts: required/ },
    { reason: 'an unknown top-level field (a typo never passes silently)', seed: { acounts: [] }, problem: /seed\.acounts: unknown field/ },
    { reason: 'a bad account id', seed: { accounts: [{ id: '12', regions: {} }] }, problem: /accounts\[0\]\.id: "12" does not match/ },
    { reason: 'a bad region name', seed: account({ 'moon-1': {} }), problem: /regions\.moon-1: "moon-1" does not match/ },
    { reason: 'a bad WorkSpace id', seed: account({ 'us-east-1': { workspaces: { workspaces: [{ id: 'ws-BAD' }] } } }), problem: /workspaces\[0\]\.id: "ws-BAD" does not match/ },
    { reason: 'an association of an application not in the catalog', seed: account({ 'us-east-1': { workspaces: { workspaces: [{ id: 'ws-abcdefgh01', applications: [{ id: 'wsa-abcdefgh01' }] }] } } }), problem: /not in this region's application catalog/ },
    { reason: 'ERROR without errorCode', seed: account({ 'us-east-1': { workspaces: { applications: [{ id: 'wsa-abcdefgh01', name: 'a' }], workspaces: [{ id: 'ws-abcdefgh01', applications: [{ id: 'wsa-abcdefgh01', state: 'ERROR' }] }] } } }), problem: /errorCode: required when state is ERROR/ },
    { reason: 'an unknown association state', seed: account({ 'us-east-1': { workspaces: { applications: [{ id: 'wsa-abcdefgh01', name: 'a' }], workspaces: [{ id: 'ws-abcdefgh01', applications: [{ id: 'wsa-abcdefgh01', state: 'DONE' }] }] } } }), problem: /state: "DONE" is not one of/ },
    { reason: 'a Connect association of an unknown user', seed: account({ 'us-east-1': { connect: { instances: [{ id: 'i1', workspaces: [{ id: 'w1', name: 'W', associations: ['u9'] }] }] } } }), problem: /associations\[0\]: u9 is not a user or routing profile of instance i1/ },
    { reason: 'a user without username', seed: account({ 'us-east-1': { connect: { instances: [{ id: 'i1', users: [{ id: 'u1' }] }] } } }), problem: /users\[0\]\.username: required/ },
    { reason: 'a role trusting an account that is not in the seed', seed: { accounts: [{ id: '123456789012', roles: [{ name: 'r', trust: ['999999999999'] }], regions: {} }] }, problem: /accounts\[0\]\.roles\[0\]\.trust: account 999999999999 is not an account of this seed/ },
    { reason: 'a role without trust', seed: { accounts: [{ id: '123456789012', roles: [{ name: 'r' }], regions: {} }] }, problem: /roles\[0\]\.trust: required/ },
    { reason: 'a role name STS would refuse', seed: { accounts: [{ id: '123456789012', roles: [{ name: 'has space', trust: ['123456789012'] }], regions: {} }] }, problem: /roles\[0\]\.name: "has space" does not match/ },
    { reason: 'sts.sessionSeconds of 0', seed: { accounts: [{ id: '123456789012', regions: {} }], sts: { sessionSeconds: 0 } }, problem: /sts\.sessionSeconds/ },
    { reason: 'a bad visibility', seed: account({ 'us-east-1': { connect: { instances: [{ id: 'i1', workspaces: [{ id: 'w1', name: 'W', visibility: 'SOME' }] }] } } }), problem: /visibility: "SOME" is not one of/ },
    { reason: 'a user routingProfileId that is not a routing profile of the instance', seed: instance({ routingProfiles: [{ id: 'rp1', name: 'Basic' }], users: [{ id: 'u1', username: 'a', routingProfileId: 'rp9' }] }),
      problem: /users\[0\]\.routingProfileId: rp9 is not a routing profile of instance i1/ },
    { reason: 'a user routingProfileId that is a user id', seed: instance({ users: [{ id: 'u1', username: 'a' }, { id: 'u2', username: 'b', routingProfileId: 'u1' }] }),
      problem: /users\[1\]\.routingProfileId: u1 is not a routing profile/ },
    { reason: 'a user hierarchyGroupId that does not exist', seed: instance({ users: [{ id: 'u1', username: 'a', hierarchyGroupId: 'g9' }] }),
      problem: /users\[0\]\.hierarchyGroupId: g9 is not a hierarchy group of instance i1/ },
    { reason: 'a hierarchy group whose parent does not exist', seed: instance({ hierarchyGroups: [{ id: 'g1', name: 'A', parentId: 'g9' }] }),
      problem: /hierarchyGroups\[0\]\.parentId: g9 is not a hierarchy group/ },
    { reason: 'a cyclic hierarchy', seed: instance({ hierarchyGroups: [{ id: 'g1', name: 'A', parentId: 'g2' }, { id: 'g2', name: 'B', parentId: 'g1' }] }),
      problem: /hierarchyGroups\[0\]\.parentId: the parent chain loops: g1 → g2 → g1/ },
    { reason: 'a hierarchy group that is its own parent', seed: instance({ hierarchyGroups: [{ id: 'g1', name: 'A', parentId: 'g1' }] }),
      problem: /hierarchyGroups\[0\]\.parentId: the parent chain loops: g1 → g1/ },
    { reason: 'a group below a cycle (the cycle is named from it)', seed: instance({ hierarchyGroups: [{ id: 'g0', name: 'Z', parentId: 'g1' }, { id: 'g1', name: 'A', parentId: 'g2' }, { id: 'g2', name: 'B', parentId: 'g1' }] }),
      problem: /hierarchyGroups\[0\]\.parentId: the parent chain loops: g0 → g1 → g2 → g1/ },
    { reason: 'a hierarchy deeper than five levels', seed: instance({ hierarchyGroups: ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((id, i) => ({ id, name: id, ...(i > 0 ? { parentId: `g${i}` } : {}) })) }),
      problem: /hierarchyGroups\[5\]\.parentId: more than 5 levels/ },
    { reason: 'a duplicate hierarchy group id', seed: instance({ hierarchyGroups: [{ id: 'g1', name: 'A' }, { id: 'g1', name: 'B' }] }), problem: /hierarchyGroups\[1\]\.id: duplicate hierarchy group g1/ },
    { reason: 'a user with 51 tags', seed: instance({ users: [{ id: 'u1', username: 'a', tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }] }),
      problem: /users\[0\]\.tags: at most 50 tags, got 51/ },
    { reason: 'a user tag key with the reserved aws: prefix', seed: instance({ users: [{ id: 'u1', username: 'a', tags: { 'aws:team': 'x' } }] }), problem: /users\[0\]\.tags\.aws:team: tag keys starting with aws: are reserved/ },
    { reason: 'a user tag key of 129 characters', seed: instance({ users: [{ id: 'u1', username: 'a', tags: { ['k'.repeat(129)]: 'x' } }] }), problem: /a tag key must be 1 to 128 characters/ },
    { reason: 'a user tag key with a character outside the pattern', seed: instance({ users: [{ id: 'u1', username: 'a', tags: { 'team!': 'x' } }] }), problem: /tags\.team!: tag key "team!" does not match/ },
    { reason: 'a user tag value of 257 characters', seed: instance({ users: [{ id: 'u1', username: 'a', tags: { team: 'v'.repeat(257) } }] }), problem: /tags\.team: must be at most 256 characters/ },
    { reason: 'a user tag value that is not a string (YAML `level: 1`)', seed: instance({ users: [{ id: 'u1', username: 'a', tags: { level: 1 } }] }), problem: /tags\.level: expected a string, got 1/ },
    { reason: 'user tags that are a list', seed: instance({ users: [{ id: 'u1', username: 'a', tags: ['team'] }] }), problem: /users\[0\]\.tags: expected a mapping of tag keys to values/ },
    { reason: 'a duplicate username in one instance', seed: instance({ users: [{ id: 'u1', username: 'a' }, { id: 'u2', username: 'a' }] }), problem: /users\[1\]\.username: duplicate username a/ },
    { reason: 'a username of 101 characters', seed: instance({ users: [{ id: 'u1', username: 'a'.repeat(101) }] }), problem: /users\[0\]\.username: must be at most 100 characters/ },
    { reason: 'an unknown user field', seed: instance({ users: [{ id: 'u1', username: 'a', tag: { a: 'b' } }] }), problem: /users\[0\]\.tag: unknown field/ },
    { reason: 'a WorkSpace with 51 tags', seed: workSpace({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }), problem: /workspaces\[0\]\.tags: at most 50 tags, got 51/ },
    { reason: 'a WorkSpace tag key of 128 characters (WorkSpaces allows 127)', seed: workSpace({ tags: { ['k'.repeat(128)]: 'v' } }), problem: /a tag key must be 1 to 127 characters/ },
    { reason: 'a WorkSpace tag value of 256 characters (WorkSpaces allows 255)', seed: workSpace({ tags: { dept: 'v'.repeat(256) } }), problem: /tags\.dept: must be at most 255 characters/ },
    { reason: 'a WorkSpace tag key with the reserved aws: prefix', seed: workSpace({ tags: { 'AWS:x': 'v' } }), problem: /tag keys starting with aws: are reserved/ },
    { reason: 'a directory id with a prefix before d-', seed: workSpace({ directoryId: 'xd-0123456789' }), problem: /directoryId: "xd-0123456789" does not match/ },
    { reason: 'a bad fault code', seed: { ...account({}), faults: { failedList: [{ resourceArn: 'a', code: 'nope' }] } }, problem: /faults\.failedList\[0\]\.code/ },
    { reason: 'a bad deploy outcome error code', seed: { ...account({}), faults: { deployOutcomes: [{ applicationId: 'wsa-abcdefgh01', errorCode: 'Oops' }] } }, problem: /deployOutcomes\[0\]\.errorCode/ },
  ];
  for (const tc of cases) {
    it(`refuses ${tc.reason}`, async () => {
      const e = await startSandbox({ seed: tc.seed as never }).then(
        async (sb) => {
          await sb.close();
          throw new Error('the seed was accepted');
        },
        (err: unknown) => err,
      );
      assert.ok(e instanceof SeedError, String(e));
      assert.ok(e.problems.some((p) => tc.problem.test(p)), e.problems.join('\n'));
    });
  }

  it('reports every problem at once', async () => {
    const e = await startSandbox({ seed: { accounts: [{ id: 'x', regions: { 'us-east-1': { connect: { instances: [{ users: [] }] } } }, extra: 1 }] } as never }).catch((x: unknown) => x);
    assert.ok(e instanceof SeedError);
    assert.ok(e.problems.length >= 3, e.problems.join('\n'));
  });

  it('refuses YAML with duplicate keys, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-seed-'));
    const file = join(dir, 'dup.yaml');
    await writeFile(file, 'accounts: []\naccounts: []\n');
    const e = await startSandbox({ seed: file }).catch((x: unknown) => x);
    assert.ok(e instanceof SeedError);
    assert.match(e.message, /dup\.yaml/);
  });

  it('refuses a seed file that does not exist', async () => {
    await assert.rejects(startSandbox({ seed: '/nonexistent/seed.yaml' }), (e: unknown) => e instanceof SeedError && /cannot read/.test(e.message));
  });

  it('the demo seed file exists at the package root and loads', async () => {
    assert.match(demoSeedPath(), /src\/sandbox\/demo-seed\.yaml$/);
    const sb = await startSandbox({ quotas: false });
    try {
      assert.equal(sb.connectAssociations('us-east-1', '4c1b2f0e-1111-2222-3333-444455556666', '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff').length, 3);
      assert.deepEqual(sb.workspaceAssociations('us-east-1', 'ws-cc00000002'), [{ applicationId: 'wsa-chrome0001', state: 'PENDING_INSTALL' }]);
      assert.equal(sb.faults.deployOutcomes[0].errorCode, 'DeploymentError.WorkspaceUnreachable');
    } finally {
      await sb.close();
    }
  });

  it('the demo world carries user tags, routing profiles, a two-level hierarchy and WorkSpace tags for selectors', async () => {
    const sb = await startSandbox({ quotas: false });
    try {
      const { connect, workspaces } = clients(sb);
      const InstanceId = '4c1b2f0e-1111-2222-3333-444455556666';
      const names = async (input: Omit<SearchUsersCommandInput, 'InstanceId'>) =>
        ((await connect.send(new SearchUsersCommand({ InstanceId, MaxResults: 500, ...input }))).Users ?? []).map((u) => u.Username);
      const agents = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `agent${String(from + i).padStart(2, '0')}`);
      assert.deepEqual(await names({ SearchFilter: { TagFilter: { TagCondition: { TagKey: 'team', TagValue: 'support' } } } }), agents(1, 10));
      const floor = { Value: '6c5d4e3f-0000-1111-2222-333344445501', HierarchyGroupMatchType: 'WITH_CHILD_GROUPS' as const };
      assert.deepEqual(await names({ SearchCriteria: { HierarchyGroupCondition: floor } }), [...agents(1, 10), ...agents(16, 18)]);
      assert.deepEqual(await names({ SearchCriteria: { HierarchyGroupCondition: { ...floor, Value: '6c5d4e3f-0000-1111-2222-333344445502' } } }), agents(1, 5));
      const basic = { StringCondition: { FieldName: 'RoutingProfileId', Value: '7a6b5c4d-0000-1111-2222-333344445501', ComparisonType: 'EXACT' as const } };
      assert.deepEqual(await names({ SearchCriteria: basic }), ['agent19', 'agent20']);
      const tags = await workspaces.send(new DescribeTagsCommand({ ResourceId: 'ws-eng0000001' }));
      assert.deepEqual(tags.TagList, [{ Key: 'dept', Value: 'eng' }, { Key: 'owner', Value: 'platform' }]);
    } finally {
      await sb.close();
    }
  });

  it('access key ids select accounts; unknown keys map to the first account', async () => {
    const seed = {
      accounts: [
        { id: '111111111111', regions: { 'us-east-1': { connect: { instances: [{ id: 'i1', users: [{ id: 'u1', username: 'one' }] }] } } } },
        { id: '222222222222', accessKeyIds: ['AKIDTWO'], regions: { 'us-east-1': { connect: { instances: [{ id: 'i1', users: [{ id: 'u2', username: 'two' }] }] } } } },
      ],
    };
    const sb = await startSandbox({ quotas: false, seed });
    try {
      const one = await clients(sb, { accessKeyId: 'AKIDWHATEVER' }).connect.send(new ListUsersCommand({ InstanceId: 'i1' }));
      const two = await clients(sb, { accessKeyId: 'AKIDTWO' }).connect.send(new ListUsersCommand({ InstanceId: 'i1' }));
      assert.deepEqual([one.UserSummaryList?.[0].Username, two.UserSummaryList?.[0].Username], ['one', 'two']);
      assert.match(two.UserSummaryList?.[0].Arn ?? '', /:222222222222:instance\/i1\/agent\/u2$/);
      assert.deepEqual(sb.calls.map((c) => c.accountId), ['111111111111', '222222222222']);
    } finally {
      await sb.close();
    }
  });

  it('buildFleetSeed seeds 100,000 associations with users for every ARN', async () => {
    const sb = await startSandbox({ quotas: false, seed: buildFleetSeed({ connectWorkspaces: 200, arnsPerWorkspace: 500, workspaces: 2000, appsPerWorkspace: 3 }) });
    try {
      assert.equal(sb.connectAssociations('us-east-1', fleetIds.instanceId, fleetIds.connectWorkspaceId(199)).length, 500);
      assert.equal(sb.workspaceAssociations('us-east-1', fleetIds.workspaceId(1999)).length, 3);
    } finally {
      await sb.close();
    }
    assert.throws(() => buildFleetSeed({ arnsPerWorkspace: 10, users: 5 }), /users/);
  });
});
