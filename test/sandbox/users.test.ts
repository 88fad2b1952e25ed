import assert from 'node:assert/strict';
import {
  AccessDeniedException, ConnectServiceException, DescribeUserCommand, InvalidParameterException, paginateSearchUsers,
  ResourceNotFoundException, SearchUsersCommand, type SearchUsersCommandInput, type UserSearchCriteria, type UserSearchFilter,
} from '@aws-sdk/client-connect';
import { buildFleetSeed, fleetIds, startSandbox, type Sandbox, type Seed } from '../../src/sandbox/index.js';
import { clients, rejection } from './helpers.js';

type Connect = ReturnType<typeof clients>['connect'];

const INSTANCE = 'i-users';
const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const two = (i: number) => String(i).padStart(2, '0');

/**
 * 30 users u00..u29: team support (even) / billing (odd), level senior (i % 5 == 0), no tags at all
 * when i % 7 == 6; routing profile rp-b when i % 3 == 0, else the default (the first, rp-a); hierarchy
 * root (i % 4 == 0), child (1), grandchild (2), none (3). Groups are listed child first, so the
 * seed must accept parents listed after their children.
 */
interface User { id: string; username: string; tags?: Record<string, string>; routingProfileId?: string; hierarchyGroupId?: string }
const USERS: User[] = Array.from({ length: 30 }, (_, i) => {
  const tags: Record<string, string> = { team: i % 2 === 0 ? 'support' : 'billing' };
  if (i % 5 === 0) tags.level = 'senior';
  return {
    id: `u${two(i)}`,
    username: `user${two(i)}`,
    ...(i % 7 === 6 ? {} : { tags }),
    ...(i % 3 === 0 ? { routingProfileId: 'rp-b' } : {}),
    ...([0, 1, 2].includes(i % 4) ? { hierarchyGroupId: ['g-root', 'g-child', 'g-grandchild'][i % 4] } : {}),
  };
});
const seed: Seed = {
  accounts: [{ id: ACCOUNT, regions: { [REGION]: { connect: { instances: [
    {
      id: INSTANCE,
      routingProfiles: [{ id: 'rp-a', name: 'Basic' }, { id: 'rp-b', name: 'Billing' }],
      hierarchyGroups: [
        { id: 'g-grandchild', name: 'Team 1a', parentId: 'g-child' },
        { id: 'g-child', name: 'Team 1', parentId: 'g-root' },
        { id: 'g-root', name: 'Floor' },
        { id: 'g-other', name: 'Elsewhere' },
      ],
      users: USERS,
    },
    { id: 'i-empty', users: [{ id: 'lonely', username: 'lonely' }] },
  ] } } } }],
};

const ids = (f: (u: User) => boolean) => USERS.filter(f).map((u) => u.id);
const tag = (u: User, k: string) => u.tags?.[k];
const profile = (u: User) => u.routingProfileId ?? 'rp-a';
const str = (FieldName: string, Value: string, ComparisonType: 'EXACT' | 'STARTS_WITH' | 'CONTAINS' = 'EXACT'): UserSearchCriteria => ({ StringCondition: { FieldName, Value, ComparisonType } });
const group = (Value: string, HierarchyGroupMatchType: 'EXACT' | 'WITH_CHILD_GROUPS' = 'EXACT') => ({ Value, HierarchyGroupMatchType });
const tc = (TagKey: string, TagValue: string) => ({ TagKey, TagValue });

interface Case { reason: string; criteria?: UserSearchCriteria; filter?: UserSearchFilter; expected: string[] }
const cases: Case[] = [
  { reason: 'no criteria and no filter: every user', expected: ids(() => true) },
  { reason: 'an empty SearchCriteria at the top: every user', criteria: {}, expected: ids(() => true) },
  { reason: 'Username EXACT', criteria: str('Username', 'user07'), expected: ['u07'] },
  { reason: 'Username EXACT is case-sensitive', criteria: str('Username', 'USER07'), expected: [] },
  { reason: 'Username STARTS_WITH', criteria: str('Username', 'user1', 'STARTS_WITH'), expected: ids((u) => u.username.startsWith('user1')) },
  { reason: 'Username CONTAINS', criteria: str('Username', '2', 'CONTAINS'), expected: ids((u) => u.username.includes('2')) },
  { reason: 'RoutingProfileId EXACT, the explicit one', criteria: str('RoutingProfileId', 'rp-b'), expected: ids((u) => profile(u) === 'rp-b') },
  { reason: 'RoutingProfileId EXACT, the default (first) one', criteria: str('RoutingProfileId', 'rp-a'), expected: ids((u) => profile(u) === 'rp-a') },
  { reason: 'resourceId EXACT', criteria: str('resourceId', 'u13'), expected: ['u13'] },
  { reason: 'OrConditions of two usernames', criteria: { OrConditions: [str('Username', 'user03'), str('Username', 'user21')] }, expected: ['u03', 'u21'] },
  { reason: 'AndConditions of a routing profile and a hierarchy group',
    criteria: { AndConditions: [str('RoutingProfileId', 'rp-b'), { HierarchyGroupCondition: group('g-root', 'WITH_CHILD_GROUPS') }] },
    expected: ids((u) => profile(u) === 'rp-b' && u.hierarchyGroupId !== undefined) },
  { reason: 'nested Or inside And', criteria: { AndConditions: [{ OrConditions: [str('Username', 'user0', 'STARTS_WITH'), str('Username', 'user2', 'STARTS_WITH')] }, str('RoutingProfileId', 'rp-a')] },
    expected: ids((u) => /^user[02]/.test(u.username) && profile(u) === 'rp-a') },
  { reason: 'HierarchyGroupCondition EXACT: the group only, not its children', criteria: { HierarchyGroupCondition: group('g-child') }, expected: ids((u) => u.hierarchyGroupId === 'g-child') },
  { reason: 'HierarchyGroupCondition WITH_CHILD_GROUPS from the root: three levels', criteria: { HierarchyGroupCondition: group('g-root', 'WITH_CHILD_GROUPS') }, expected: ids((u) => u.hierarchyGroupId !== undefined) },
  { reason: 'HierarchyGroupCondition WITH_CHILD_GROUPS from the middle: not the parent', criteria: { HierarchyGroupCondition: group('g-child', 'WITH_CHILD_GROUPS') },
    expected: ids((u) => u.hierarchyGroupId === 'g-child' || u.hierarchyGroupId === 'g-grandchild') },
  { reason: 'HierarchyGroupCondition of a group nobody is in', criteria: { HierarchyGroupCondition: group('g-other', 'WITH_CHILD_GROUPS') }, expected: [] },
  { reason: 'HierarchyGroupCondition of an id that is no group: nobody', criteria: { HierarchyGroupCondition: group('Floor') }, expected: [] },
  { reason: 'TagFilter.TagCondition', filter: { TagFilter: { TagCondition: tc('team', 'support') } }, expected: ids((u) => tag(u, 'team') === 'support') },
  { reason: 'TagFilter values are case-sensitive', filter: { TagFilter: { TagCondition: tc('team', 'Support') } }, expected: [] },
  { reason: 'TagFilter.AndConditions', filter: { TagFilter: { AndConditions: [tc('team', 'support'), tc('level', 'senior')] } },
    expected: ids((u) => tag(u, 'team') === 'support' && tag(u, 'level') === 'senior') },
  { reason: 'TagFilter.OrConditions: an OR of ANDs', filter: { TagFilter: { OrConditions: [[tc('team', 'billing'), tc('level', 'senior')], [tc('team', 'support')]] } },
    expected: ids((u) => (tag(u, 'team') === 'billing' && tag(u, 'level') === 'senior') || tag(u, 'team') === 'support') },
  { reason: 'UserAttributeFilter.TagCondition', filter: { UserAttributeFilter: { TagCondition: tc('level', 'senior') } }, expected: ids((u) => tag(u, 'level') === 'senior') },
  { reason: 'UserAttributeFilter.HierarchyGroupCondition', filter: { UserAttributeFilter: { HierarchyGroupCondition: group('g-child', 'WITH_CHILD_GROUPS') } },
    expected: ids((u) => u.hierarchyGroupId === 'g-child' || u.hierarchyGroupId === 'g-grandchild') },
  { reason: 'UserAttributeFilter.AndCondition of tags and a hierarchy group',
    filter: { UserAttributeFilter: { AndCondition: { TagConditions: [tc('team', 'support')], HierarchyGroupCondition: group('g-root') } } },
    expected: ids((u) => tag(u, 'team') === 'support' && u.hierarchyGroupId === 'g-root') },
  { reason: 'UserAttributeFilter.OrConditions',
    filter: { UserAttributeFilter: { OrConditions: [{ TagConditions: [tc('level', 'senior')] }, { HierarchyGroupCondition: group('g-grandchild') }] } },
    expected: ids((u) => tag(u, 'level') === 'senior' || u.hierarchyGroupId === 'g-grandchild') },
  { reason: 'criteria and filter together must both hold', criteria: str('RoutingProfileId', 'rp-b'), filter: { TagFilter: { TagCondition: tc('team', 'billing') } },
    expected: ids((u) => profile(u) === 'rp-b' && tag(u, 'team') === 'billing') },
  { reason: 'an empty SearchFilter filters nothing', filter: {}, expected: ids(() => true) },
];

describe('sandbox: SearchUsers', () => {
  let sb: Sandbox;
  let connect: Connect;
  before(async () => {
    sb = await startSandbox({ quotas: false, seed });
    connect = clients(sb).connect;
  });
  after(() => sb.close());

  for (const tc of cases) {
    it(`pages 4 at a time in id order with exact counts: ${tc.reason}`, async () => {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateSearchUsers({ client: connect, pageSize: 4 }, { InstanceId: INSTANCE, SearchCriteria: tc.criteria, SearchFilter: tc.filter })) {
        pages++;
        assert.equal(page.ApproximateTotalCount, tc.expected.length);
        assert.ok((page.Users?.length ?? 0) <= 4);
        for (const u of page.Users ?? []) seen.push(u.Id ?? '');
      }
      assert.deepEqual(seen, tc.expected);
      assert.equal(pages, Math.max(1, Math.ceil(tc.expected.length / 4)));
    });
  }

  it('answers every UserSearchSummary field the seed gives, omitting Tags and HierarchyGroupId a user lacks', async () => {
    const out = await connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, SearchCriteria: { OrConditions: [str('resourceId', 'u00'), str('resourceId', 'u06')] } }));
    assert.deepEqual(out.Users, [
      { Id: 'u00', Arn: `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE}/agent/u00`, Username: 'user00', RoutingProfileId: 'rp-b', HierarchyGroupId: 'g-root', Tags: { team: 'support', level: 'senior' } },
      // u06: no tags (6 % 7 == 6), rp-b (6 % 3 == 0), grandchild (6 % 4 == 2).
      { Id: 'u06', Arn: `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE}/agent/u06`, Username: 'user06', RoutingProfileId: 'rp-b', HierarchyGroupId: 'g-grandchild' },
    ]);
    const none = await connect.send(new SearchUsersCommand({ InstanceId: 'i-empty' }));
    assert.deepEqual(none.Users, [{ Id: 'lonely', Arn: `arn:aws:connect:${REGION}:${ACCOUNT}:instance/i-empty/agent/lonely`, Username: 'lonely' }]);
  });

  it('MaxResults 1 and no criteria: one user, a NextToken, and the whole instance in ApproximateTotalCount (how the resolver learns its size)', async () => {
    const out = await connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, MaxResults: 1 }));
    assert.equal(out.Users?.length, 1);
    assert.equal(typeof out.NextToken, 'string');
    assert.equal(out.ApproximateTotalCount, 30);
  });

  it('the last page omits NextToken, also when it is exactly full', async () => {
    const out = await connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, MaxResults: 30 }));
    assert.equal(out.Users?.length, 30);
    assert.equal(out.NextToken, undefined);
    const first = await connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, MaxResults: 29 }));
    assert.equal(typeof first.NextToken, 'string');
  });

  it('a token is refused for another criteria, another filter or another instance, and kept across page sizes', async () => {
    const base: SearchUsersCommandInput = { InstanceId: INSTANCE, SearchCriteria: str('RoutingProfileId', 'rp-a'), SearchFilter: { TagFilter: { TagCondition: tc('team', 'support') } } };
    const first = await connect.send(new SearchUsersCommand({ ...base, MaxResults: 2 }));
    assert.ok(first.NextToken);
    const others: [string, SearchUsersCommandInput][] = [
      ['criteria', { ...base, SearchCriteria: str('RoutingProfileId', 'rp-b') }],
      ['no criteria', { ...base, SearchCriteria: undefined }],
      ['filter', { ...base, SearchFilter: { TagFilter: { TagCondition: tc('team', 'billing') } } }],
      ['no filter', { ...base, SearchFilter: undefined }],
      ['instance', { ...base, InstanceId: 'i-empty' }],
    ];
    for (const [what, input] of others) {
      const e = await rejection(connect.send(new SearchUsersCommand({ ...input, NextToken: first.NextToken })));
      assert.ok(e instanceof InvalidParameterException, `another ${what}: ${e.name}`);
    }
    const next = await connect.send(new SearchUsersCommand({ ...base, MaxResults: 100, NextToken: first.NextToken }));
    assert.equal(next.NextToken, undefined);
    assert.equal((first.Users?.length ?? 0) + (next.Users?.length ?? 0), first.ApproximateTotalCount);
  });

  it('TagFilter and UserAttributeFilter together are refused with AccessDeniedException (403), as AWS documents', async () => {
    const e = await rejection(connect.send(new SearchUsersCommand({
      InstanceId: INSTANCE,
      SearchFilter: { TagFilter: { TagCondition: tc('team', 'support') }, UserAttributeFilter: { HierarchyGroupCondition: group('g-root') } },
    })));
    assert.ok(e instanceof AccessDeniedException, `${e.name}: ${e.message}`);
    assert.equal(e.$metadata.httpStatusCode, 403);
  });

  it('a scripted token expiry refuses the next token-carrying call only', async () => {
    const first = await connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, MaxResults: 5 }));
    sb.setFaults({ expireTokens: [{ operation: 'SearchUsers', times: 1 }] });
    try {
      const e = await rejection(connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, MaxResults: 5, NextToken: first.NextToken })));
      assert.ok(e instanceof InvalidParameterException);
      assert.match(e.message, /expired/);
      const again = await connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, MaxResults: 5, NextToken: first.NextToken }));
      assert.equal(again.Users?.[0].Id, 'u05');
    } finally {
      sb.setFaults({ expireTokens: [] });
    }
  });
});

const manyTags = (n: number) => Array.from({ length: n }, (_, i) => tc(`k${i}`, 'v'));
interface ErrorCase { reason: string; input: Partial<SearchUsersCommandInput>; type: typeof InvalidParameterException | typeof ResourceNotFoundException; message?: RegExp }
const errorCases: ErrorCase[] = [
  { reason: 'a documented FieldName the sandbox does not model (FirstName) is refused by name', input: { SearchCriteria: str('FirstName', 'Ann') }, type: InvalidParameterException, message: /FirstName/ },
  { reason: 'SecurityProfileId is refused by name', input: { SearchCriteria: str('SecurityProfileId', 'sp') }, type: InvalidParameterException, message: /SecurityProfileId/ },
  { reason: 'an undocumented FieldName', input: { SearchCriteria: str('Colour', 'x') }, type: InvalidParameterException, message: /Colour/ },
  { reason: 'FieldName is case-sensitive (ResourceId is not resourceId)', input: { SearchCriteria: str('ResourceId', 'u01') }, type: InvalidParameterException, message: /ResourceId/ },
  { reason: 'an unknown ComparisonType', input: { SearchCriteria: { StringCondition: { FieldName: 'Username', Value: 'x', ComparisonType: 'LIKE' as never } } }, type: InvalidParameterException, message: /ComparisonType/ },
  { reason: 'a StringCondition without Value', input: { SearchCriteria: { StringCondition: { FieldName: 'Username', ComparisonType: 'EXACT' } } }, type: InvalidParameterException, message: /Value is required/ },
  { reason: 'two members at one criteria level', input: { SearchCriteria: { ...str('Username', 'user01'), HierarchyGroupCondition: group('g-root') } }, type: InvalidParameterException, message: /only one of/ },
  { reason: 'an empty AndConditions list', input: { SearchCriteria: { AndConditions: [] } }, type: InvalidParameterException, message: /must not be empty/ },
  { reason: 'an empty criteria node inside OrConditions', input: { SearchCriteria: { OrConditions: [str('Username', 'user01'), {}] } }, type: InvalidParameterException, message: /OrConditions\[1\] is empty/ },
  { reason: 'a proficiency ListCondition', input: { SearchCriteria: { ListCondition: { TargetListType: 'PROFICIENCIES', Conditions: [] } } }, type: InvalidParameterException, message: /ListCondition/ },
  { reason: 'a HierarchyGroupCondition without a match type', input: { SearchCriteria: { HierarchyGroupCondition: { Value: 'g-root' } } }, type: InvalidParameterException, message: /HierarchyGroupMatchType/ },
  { reason: 'a TagCondition without TagValue', input: { SearchFilter: { TagFilter: { TagCondition: { TagKey: 'team' } } } }, type: InvalidParameterException, message: /TagValue is required/ },
  { reason: 'an empty TagFilter', input: { SearchFilter: { TagFilter: {} } }, type: InvalidParameterException, message: /TagFilter is empty/ },
  { reason: 'a TagFilter with two members', input: { SearchFilter: { TagFilter: { TagCondition: tc('a', 'b'), AndConditions: [tc('c', 'd')] } } }, type: InvalidParameterException, message: /only one of/ },
  { reason: 'an empty inner list of TagFilter.OrConditions', input: { SearchFilter: { TagFilter: { OrConditions: [[tc('a', 'b')], []] } } }, type: InvalidParameterException, message: /OrConditions\[1\] must not be empty/ },
  { reason: 'a UserAttributeFilter with two members ("only one field can be populated")',
    input: { SearchFilter: { UserAttributeFilter: { TagCondition: tc('a', 'b'), HierarchyGroupCondition: group('g-root') } } }, type: InvalidParameterException, message: /only one of/ },
  { reason: 'a UserAttributeFilter with 26 tag conditions', input: { SearchFilter: { UserAttributeFilter: { AndCondition: { TagConditions: manyTags(26) } } } }, type: InvalidParameterException, message: /26 tag conditions/ },
  { reason: 'a UserAttributeFilter with 21 hierarchy group conditions',
    input: { SearchFilter: { UserAttributeFilter: { OrConditions: Array.from({ length: 21 }, () => ({ HierarchyGroupCondition: group('g-root') })) } } }, type: InvalidParameterException, message: /21 hierarchy group conditions/ },
  { reason: 'an empty AttributeAndCondition', input: { SearchFilter: { UserAttributeFilter: { AndCondition: {} } } }, type: InvalidParameterException, message: /AndCondition is empty/ },
  { reason: 'MaxResults 501', input: { MaxResults: 501 }, type: InvalidParameterException, message: /MaxResults/ },
  { reason: 'MaxResults 0', input: { MaxResults: 0 }, type: InvalidParameterException, message: /MaxResults/ },
  { reason: 'a forged NextToken', input: { NextToken: 'forged' }, type: InvalidParameterException, message: /NextToken/ },
  { reason: 'an unknown instance', input: { InstanceId: 'no-such-instance' }, type: ResourceNotFoundException },
  { reason: 'no InstanceId', input: { InstanceId: undefined }, type: InvalidParameterException, message: /InstanceId is required/ },
];

describe('sandbox: SearchUsers refuses what it cannot answer faithfully', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ quotas: false, seed });
  });
  after(() => sb.close());

  for (const tc of errorCases) {
    it(tc.reason, async () => {
      const e = await rejection(clients(sb).connect.send(new SearchUsersCommand({ InstanceId: INSTANCE, ...tc.input } as SearchUsersCommandInput)));
      assert.ok(e instanceof tc.type, `expected ${tc.type.name}, got ${e.name}: ${e.message}`);
      assert.ok(e instanceof ConnectServiceException);
      if (tc.message !== undefined) assert.match(e.message, tc.message);
    });
  }
});

describe('sandbox: SearchUsers page size and DescribeUser', () => {
  it('without MaxResults a page holds 100 users; 500 is the largest page', async () => {
    const sb = await startSandbox({ quotas: false, seed: buildFleetSeed({ users: 250, arnsPerWorkspace: 0, connectWorkspaces: 0, workspaces: 0, appsPerWorkspace: 0 }) });
    try {
      const connect = clients(sb).connect;
      const first = await connect.send(new SearchUsersCommand({ InstanceId: fleetIds.instanceId }));
      assert.equal(first.Users?.length, 100);
      assert.equal(first.ApproximateTotalCount, 250);
      assert.ok(first.NextToken);
      const all = await connect.send(new SearchUsersCommand({ InstanceId: fleetIds.instanceId, MaxResults: 500 }));
      assert.equal(all.Users?.length, 250);
      assert.equal(all.NextToken, undefined);
      assert.equal(all.Users?.[0].Id, fleetIds.userId(0));
      assert.equal(all.Users?.[249].Id, fleetIds.userId(249));
    } finally {
      await sb.close();
    }
  });

  it('DescribeUser answers the user with its routing profile, hierarchy group and tags; an unknown user is ResourceNotFoundException', async () => {
    const sb = await startSandbox({ quotas: false, seed });
    try {
      const connect = clients(sb).connect;
      const out = await connect.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u05' }));
      assert.deepEqual(
        { ...out.User, LastModifiedTime: undefined },
        { Id: 'u05', Arn: `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE}/agent/u05`, Username: 'user05', RoutingProfileId: 'rp-a', HierarchyGroupId: 'g-child',
          Tags: { team: 'billing', level: 'senior' }, LastModifiedTime: undefined, LastModifiedRegion: REGION },
      );
      assert.ok(out.User?.LastModifiedTime instanceof Date);
      assert.deepEqual(sb.calls.at(-1)?.input, { InstanceId: INSTANCE, UserId: 'u05' });
      const e = await rejection(connect.send(new DescribeUserCommand({ InstanceId: INSTANCE, UserId: 'u99' })));
      assert.ok(e instanceof ResourceNotFoundException);
      assert.equal(e.$metadata.httpStatusCode, 404);
      const e2 = await rejection(connect.send(new DescribeUserCommand({ InstanceId: 'no-such-instance', UserId: 'u05' })));
      assert.ok(e2 instanceof ResourceNotFoundException);
    } finally {
      await sb.close();
    }
  });
});
