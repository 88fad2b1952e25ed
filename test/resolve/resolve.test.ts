/**
 * The resolve stage (DESIGN.md, "Names, selectors and accounts"): names and selectors in the
 * desired state become concrete targets, against the sandbox with the real SDK clients and the
 * real look-ups. Each rule is proven on what the resolver returns and on the sandbox's call log
 * (every request it answered, with its input).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DescribeWorkspacesCommand } from '@aws-sdk/client-workspaces';
import { resolveDesired, resolveIntents, type ResolveResult } from '../../src/resolve/index.js';
import { buildFleetSeed, fleetIds, type CallRecord, type Seed, type SeedWorkSpace } from '../../src/sandbox/index.js';
import { startHarness, type Harness } from '../providers/fixtures.js';
import {
  BILLING_DESK, CONTACT_FLOOR, Files, INSTANCE, REGION, SUPERVISORS, SUPPORT_FLOOR, TIER_1, agent, connectDoc, demoSeed, desiredOf, labelsOf, loadFiles,
  lookups, ops, routingProfile, targetOf, workspacesDoc,
} from './helpers.js';

const connectKey = (ws: string, instance = INSTANCE) => `connect/${REGION}/${instance}/${ws}`;
const wsKey = (id: string) => `workspaces/${REGION}/${id}`;
const agents = (...n: number[]) => n.map(agent).sort();
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const ENG = 'd-9067a1b2c3';
const CC = 'd-9067c0ffee';

describe('resolve: names and selectors → targets (real SDK, sandbox)', function () {
  this.timeout(20_000);
  let h: Harness | undefined;
  const files = new Files();
  const sandbox = () => h!.sandbox;
  const calls = (operation?: string): CallRecord[] => sandbox().calls.filter((c) => operation === undefined || c.operation === operation);
  async function resolve(...docs: string[]): Promise<ResolveResult> {
    const state = await files.load(...docs);
    return resolveDesired(state, lookups(h!));
  }
  async function world(seed?: Seed): Promise<void> {
    await h?.close();
    h = await startHarness(seed ? { seed } : {});
  }
  beforeEach(() => world());
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await files.remove();
  });

  describe('1. a desired state named entirely by id', () => {
    it('the demo desired state by ids and ARNs only (test/fixtures/demo-by-id): zero AWS calls, and exactly the loader\'s targets', async () => {
      const dir = (d: string) => fileURLToPath(new URL(`../fixtures/demo-by-id/${d}`, import.meta.url));
      const state = await loadFiles([dir('connect'), dir('workspaces')]);
      assert.equal(state.needsResolution, false);
      const r = await resolveDesired(state, lookups(h!));
      assert.deepEqual(calls(), [], 'no AWS call');
      assert.deepEqual(r, { targets: state.targets, failures: [], blocked: [], conflicts: [] });
      assert.equal(r.targets.length, 11);
    });

    it('the resolver itself, given concrete intents, makes no call and builds the loader\'s targets', async () => {
      const state = await files.load(
        connectDoc('by-id', [`workspaceId: ${SUPERVISORS}`, `resourceArns: [${agent(16)}, ${routingProfile(4)}]`, 'prune: true']),
        connectDoc('by-id-too', [`workspaceId: ${SUPPORT_FLOOR}`, `resourceArns: [${agent(1)}]`]),
        workspacesDoc('apps-by-id', ['workspaceIds: [ws-eng0000001, ws-eng0000002]', 'applicationIds: [wsa-chrome0001, wsa-slack00001]']),
      );
      assert.equal(state.needsResolution, false);
      const r = await resolveIntents(state.intents, lookups(h!));
      assert.deepEqual(calls(), []);
      assert.deepEqual(r.targets, state.targets);
      assert.deepEqual([r.failures, r.blocked, r.conflicts], [[], [], []]);
    });

    it('a by-id document beside a named one: its target is the loader\'s, and the calls are only those the names need', async () => {
      const state = await files.load(
        connectDoc('by-id', [`workspaceId: ${SUPERVISORS}`, `resourceArns: [${agent(16)}]`, 'prune: true']),
        connectDoc('by-name', ['workspaceName: Billing desk', 'users: [agent11]']),
      );
      assert.equal(state.needsResolution, true);
      const r = await resolveDesired(state, lookups(h!));
      assert.deepEqual(targetOf(r.targets, connectKey(SUPERVISORS)), targetOf(state.targets, connectKey(SUPERVISORS)));
      assert.deepEqual(ops(calls()).sort(), ['ListUsers', 'ListWorkspaces']);
    });
  });

  describe('2. names resolve to the right ARNs and ids, labelled as written', () => {
    it('usernames, routing-profile names and a workspaceName', async () => {
      const r = await resolve(connectDoc('support', ['workspaceName: Support floor', 'users: [agent05, agent19]', 'routingProfiles: [Billing, Support]']));
      assert.deepEqual([r.failures, r.blocked, r.conflicts], [[], [], []]);
      assert.equal(r.targets.length, 1);
      const t = r.targets[0]!;
      assert.equal(t.type, 'connect');
      assert.equal(t.key, connectKey(SUPPORT_FLOOR));
      assert.equal(t.type === 'connect' && t.workspaceId, SUPPORT_FLOOR);
      assert.equal(t.type === 'connect' && t.name, 'Support floor');
      assert.deepEqual(desiredOf(t), [agent(5), agent(19), routingProfile(2), routingProfile(3)].sort());
      assert.deepEqual(labelsOf(t), {
        [agent(5)]: 'user agent05',
        [agent(19)]: 'user agent19',
        [routingProfile(2)]: 'routing profile Billing',
        [routingProfile(3)]: 'routing profile Support',
      });
      assert.equal(t.unresolved, undefined);
      // Each item remembers where it was written (for reports): agent05 on line 9.
      assert.deepEqual(t.desired.get(agent(5)), { file: t.documents[0]!.location.file, line: 9, col: 11 });
    });

    it('resourceArns beside names: the ARN keeps no label, a name resolving to the same ARN adds nothing twice', async () => {
      const r = await resolve(connectDoc('mixed', [`workspaceId: ${BILLING_DESK}`, `resourceArns: [${agent(11)}]`, 'users: [agent11, agent12]']));
      const t = r.targets[0]!;
      assert.deepEqual(desiredOf(t), agents(11, 12));
      assert.deepEqual(labelsOf(t), { [agent(12)]: 'user agent12' });
    });

    it('application names resolve to wsa- ids in the catalogue, labelled with the name', async () => {
      const r = await resolve(workspacesDoc('apps', ['workspaceIds: [ws-eng0000001]', 'applicationIds: [wsa-slack00001]', 'applications: [Google Chrome, Microsoft 365 Apps for enterprise]']));
      assert.deepEqual(r.failures, []);
      const t = targetOf(r.targets, wsKey('ws-eng0000001'));
      assert.deepEqual(desiredOf(t), ['wsa-chrome0001', 'wsa-office0001', 'wsa-slack00001']);
      assert.deepEqual(labelsOf(t), { 'wsa-chrome0001': 'Google Chrome', 'wsa-office0001': 'Microsoft 365 Apps for enterprise' });
      assert.deepEqual(ops(calls()), ['DescribeApplications'], 'WorkSpaces named by id need no DescribeWorkspaces');
    });
  });

  describe('3. the cheapest calls', () => {
    it('two documents of one instance share ONE ListUsers, ONE ListRoutingProfiles and ONE ListWorkspaces scan, at the maximum page size', async () => {
      const r = await resolve(
        connectDoc('support', ['workspaceName: Support floor', 'users: [agent01, agent02]', 'routingProfiles: [Support]']),
        connectDoc('billing', ['workspaceName: Billing desk', 'users: [agent11]', 'routingProfiles: [Billing]']),
        connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16]']),
      );
      assert.deepEqual(r.failures, []);
      assert.deepEqual(r.targets.map((t) => t.key), [connectKey(BILLING_DESK), connectKey(SUPERVISORS), connectKey(SUPPORT_FLOOR)].sort());
      assert.equal(calls('ListUsers').length, 1);
      assert.equal(calls('ListRoutingProfiles').length, 1);
      assert.equal(calls('ListWorkspaces').length, 1);
      assert.deepEqual(ops(calls()).sort(), ['ListRoutingProfiles', 'ListUsers', 'ListWorkspaces']);
      // maxResults travels as a query parameter: 1000 (ListUsers, ListRoutingProfiles), 100 (ListWorkspaces).
      assert.equal(String(calls('ListUsers')[0]!.input.maxResults), '1000');
      assert.equal(String(calls('ListRoutingProfiles')[0]!.input.maxResults), '1000');
      assert.equal(String(calls('ListWorkspaces')[0]!.input.maxResults), '100');
    });

    it('an instance of 2,100 users: ListUsers pages of 1000 (3 pages, each with MaxResults 1000), a name on the last page resolves', async () => {
      await world(buildFleetSeed({ connectWorkspaces: 1, arnsPerWorkspace: 0, users: 2100, workspaces: 0 }));
      const r = await resolve(connectDoc('fleet', [`workspaceId: ${fleetIds.connectWorkspaceId(0)}`, 'users: [user000000, user002099]'], { instanceId: fleetIds.instanceId }));
      assert.deepEqual(r.failures, []);
      assert.deepEqual(desiredOf(r.targets[0]!), [fleetIds.userArn(0), fleetIds.userArn(2099)].sort());
      const pages = calls('ListUsers');
      assert.equal(pages.length, 3);
      assert.deepEqual(pages.map((c) => String(c.input.maxResults)), ['1000', '1000', '1000']);
      assert.equal(pages[0]!.input.nextToken, undefined);
      assert.ok(pages[1]!.input.nextToken && pages[2]!.input.nextToken && pages[1]!.input.nextToken !== pages[2]!.input.nextToken, 'each page asks for the next');
    });

    it('a workspaceName alone costs one ListWorkspaces: no user or routing-profile scan that nothing needs', async () => {
      const r = await resolve(connectDoc('by-name', ['workspaceName: Billing desk', `resourceArns: [${agent(11)}]`]));
      assert.deepEqual(desiredOf(r.targets[0]!), [agent(11)]);
      assert.deepEqual(ops(calls()), ['ListWorkspaces']);
    });

    it('application names of two documents: ONE DescribeApplications scan of the region, 25 per page', async () => {
      const r = await resolve(
        workspacesDoc('eng', ['workspaceIds: [ws-eng0000001]', 'applications: [Google Chrome]']),
        workspacesDoc('cc', ['workspaceIds: [ws-cc00000001]', 'applications: [Zoom Workplace, Slack]']),
      );
      assert.deepEqual(r.failures, []);
      assert.deepEqual(ops(calls()), ['DescribeApplications']);
      assert.equal(calls('DescribeApplications')[0]!.input.MaxResults, 25);
      assert.deepEqual(desiredOf(targetOf(r.targets, wsKey('ws-cc00000001'))), ['wsa-slack00001', 'wsa-zoom000001']);
    });

    it('DescribeTags only for a tags selector, and only for WorkSpaces of that directory', async () => {
      const r = await resolve(workspacesDoc('eng', ['workspaces:', `  - directoryId: ${ENG}`, '    tags: {dept: eng}', `  - directoryId: ${CC}`, 'applicationIds: [wsa-chrome0001]']));
      assert.deepEqual(r.failures, []);
      const tagged = calls('DescribeTags').map((c) => c.input.ResourceId).sort();
      assert.deepEqual(tagged, ['ws-eng0000001', 'ws-eng0000002', 'ws-eng0000003'], 'the CC directory (no tags selector) is never asked for tags');
      const describes = calls('DescribeWorkspaces').map((c) => c.input);
      assert.deepEqual(describes.map((i) => [i.DirectoryId, i.Limit]).sort(), [[ENG, 25], [CC, 25]]);
    });

    it('selectors without tags: no DescribeTags at all', async () => {
      const r = await resolve(workspacesDoc('by-dir', ['workspaces:', `  - directoryId: ${ENG}`, '  - bundleId: wsb-00000000', 'applicationIds: [wsa-chrome0001]']));
      assert.equal(r.targets.length, 7);
      assert.deepEqual(calls('DescribeTags'), []);
      assert.deepEqual(ops(calls()), ['DescribeWorkspaces', 'DescribeWorkspaces']);
    });
  });

  describe('4. userSelector → SearchUsers', () => {
    const search = () => calls('SearchUsers').map((c) => c.input as { SearchCriteria?: unknown; SearchFilter?: { TagFilter?: unknown; UserAttributeFilter?: unknown }; MaxResults?: number });
    async function selected(selector: string[], ws = BILLING_DESK): Promise<string[]> {
      const r = await resolve(connectDoc('selected', [`workspaceId: ${ws}`, 'userSelector:', ...selector.map((l) => `  ${l}`)]));
      assert.deepEqual(r.failures, []);
      const t = r.targets[0];
      return t ? desiredOf(t) : [];
    }
    afterEach(() => {
      // AWS refuses a TagFilter and a UserAttributeFilter in one request (AccessDenied): never both.
      for (const input of search()) assert.ok(!(input.SearchFilter?.TagFilter && input.SearchFilter?.UserAttributeFilter), JSON.stringify(input));
      for (const c of calls('SearchUsers')) assert.equal(c.status, 200, JSON.stringify(c));
    });

    it('tags: users carrying all of them (SearchFilter.TagFilter), 500 per page, labelled by username', async () => {
      assert.deepEqual(await selected(['tags: {team: billing}']), agents(...range(11, 15)));
      const [input] = search();
      assert.deepEqual(input, { InstanceId: INSTANCE, MaxResults: 500, SearchFilter: { TagFilter: { TagCondition: { TagKey: 'team', TagValue: 'billing' } } } });
      const r = await resolve(connectDoc('two-tags', [`workspaceId: ${SUPERVISORS}`, 'userSelector:', '  tags: {team: supervisors, level: senior}']));
      assert.deepEqual(desiredOf(r.targets[0]!), agents(16, 17, 18));
      assert.equal(labelsOf(r.targets[0]!)[agent(16)], 'user agent16');
      assert.deepEqual(search()[1]!.SearchFilter, {
        TagFilter: { AndConditions: [{ TagKey: 'team', TagValue: 'supervisors' }, { TagKey: 'level', TagValue: 'senior' }] },
      });
    });

    it('tags that only part of a user\'s tags match select nobody (AND, not OR)', async () => {
      assert.deepEqual(await selected(['tags: {team: billing, level: senior}']), []);
    });

    it('routingProfiles by name become RoutingProfileId conditions (one of them)', async () => {
      assert.deepEqual(await selected(['routingProfiles: [Billing]']), agents(...range(11, 15)));
      assert.deepEqual(search()[0]!.SearchCriteria, { StringCondition: { FieldName: 'RoutingProfileId', Value: '7a6b5c4d-0000-1111-2222-333344445502', ComparisonType: 'EXACT' } });
      assert.deepEqual(await selected(['routingProfiles: [Billing, Supervisors]']), agents(...range(11, 18)));
      assert.deepEqual(search()[1]!.SearchCriteria, {
        OrConditions: [
          { StringCondition: { FieldName: 'RoutingProfileId', Value: '7a6b5c4d-0000-1111-2222-333344445502', ComparisonType: 'EXACT' } },
          { StringCondition: { FieldName: 'RoutingProfileId', Value: '7a6b5c4d-0000-1111-2222-333344445504', ComparisonType: 'EXACT' } },
        ],
      });
      assert.equal(calls('ListRoutingProfiles').length, 2, 'one scan per resolve (two resolves here)');
    });

    it('hierarchyGroupIds: the group only (EXACT) by default; with includeChildGroups its child groups too (WITH_CHILD_GROUPS)', async () => {
      // Contact floor holds agent06-10 and agent16-18; its child Tier 1 holds agent01-05.
      assert.deepEqual(await selected([`hierarchyGroupIds: [${CONTACT_FLOOR}]`]), agents(...range(6, 10), 16, 17, 18));
      assert.deepEqual(search()[0]!.SearchCriteria, { HierarchyGroupCondition: { Value: CONTACT_FLOOR, HierarchyGroupMatchType: 'EXACT' } });
      assert.deepEqual(await selected([`hierarchyGroupIds: [${CONTACT_FLOOR}]`, 'includeChildGroups: true']), agents(...range(1, 10), 16, 17, 18));
      assert.deepEqual(search()[1]!.SearchCriteria, { HierarchyGroupCondition: { Value: CONTACT_FLOOR, HierarchyGroupMatchType: 'WITH_CHILD_GROUPS' } });
      assert.deepEqual(await selected([`hierarchyGroupIds: [${TIER_1}]`, 'includeChildGroups: true']), agents(...range(1, 5)), 'a leaf group: only its own users');
    });

    it('tags, routingProfiles and hierarchyGroupIds together are ANDed in one request', async () => {
      // support-tagged ∧ routing profile Support ∧ in Contact floor or below: agent01-10.
      assert.deepEqual(
        await selected(['tags: {team: support}', 'routingProfiles: [Support]', `hierarchyGroupIds: [${CONTACT_FLOOR}]`, 'includeChildGroups: true']),
        agents(...range(1, 10)),
      );
      assert.deepEqual(search()[0], {
        InstanceId: INSTANCE,
        MaxResults: 500,
        SearchCriteria: {
          AndConditions: [
            { StringCondition: { FieldName: 'RoutingProfileId', Value: '7a6b5c4d-0000-1111-2222-333344445503', ComparisonType: 'EXACT' } },
            { HierarchyGroupCondition: { Value: CONTACT_FLOOR, HierarchyGroupMatchType: 'WITH_CHILD_GROUPS' } },
          ],
        },
        SearchFilter: { TagFilter: { TagCondition: { TagKey: 'team', TagValue: 'support' } } },
      });
      // Without the children: agent06-10 only.
      assert.deepEqual(await selected(['tags: {team: support}', `hierarchyGroupIds: [${CONTACT_FLOOR}]`]), agents(...range(6, 10)));
      // Conditions that no user meets at once select nobody, not the union.
      assert.deepEqual(await selected(['tags: {team: support}', 'routingProfiles: [Billing]']), []);
      assert.deepEqual(await selected(['routingProfiles: [Supervisors]', `hierarchyGroupIds: [${TIER_1}]`]), []);
    });

    it('a selector beside users and resourceArns: the union, each item once', async () => {
      const r = await resolve(connectDoc('union', [`workspaceId: ${SUPERVISORS}`, `resourceArns: [${routingProfile(4)}]`, 'users: [agent16, agent20]', 'userSelector:', '  tags: {team: supervisors}']));
      assert.deepEqual(desiredOf(r.targets[0]!), [...agents(16, 17, 18, 20), routingProfile(4)].sort());
      // agent16 was named: its label and position are the name's.
      assert.equal(r.targets[0]!.desired.get(agent(16))!.line, 10);
    });

    it('two documents with the same selector on one instance share one SearchUsers', async () => {
      const r = await resolve(
        connectDoc('a', [`workspaceId: ${SUPERVISORS}`, 'userSelector:', '  tags: {team: supervisors}']),
        connectDoc('b', [`workspaceId: ${BILLING_DESK}`, 'userSelector:', '  tags: {team: supervisors}']),
      );
      assert.equal(r.targets.length, 2);
      assert.equal(calls('SearchUsers').length, 1);
    });
  });

  describe('5. WorkSpaces selectors', () => {
    const selectedBy = async (selectors: string[]): Promise<{ r: ResolveResult; ids: string[] }> => {
      const r = await resolve(workspacesDoc('selected', ['workspaces:', ...selectors.map((l) => `  ${l}`), 'applicationIds: [wsa-chrome0001]']));
      return { r, ids: r.targets.map((t) => t.workspaceId).sort() };
    };

    it('directoryId: every WorkSpace of the directory; with userNames only those users\' WorkSpaces', async () => {
      assert.deepEqual((await selectedBy([`- directoryId: ${ENG}`])).ids, ['ws-eng0000001', 'ws-eng0000002', 'ws-eng0000003']);
      const { r, ids } = await selectedBy([`- directoryId: ${CC}`, '  userNames: [cc2, cc4]']);
      assert.deepEqual(ids, ['ws-cc00000002', 'ws-cc00000004']);
      assert.deepEqual(r.failures, []);
      const byUser = calls('DescribeWorkspaces').filter((c) => c.input.UserName).map((c) => [c.input.DirectoryId, c.input.UserName]);
      assert.deepEqual(byUser, [[CC, 'cc2'], [CC, 'cc4']]);
      for (const t of r.targets) assert.deepEqual(desiredOf(t), ['wsa-chrome0001']);
    });

    it('bundleId: the WorkSpaces of that bundle, in any directory', async () => {
      const seed = demoSeed();
      const fleet = seed.accounts[0]!.regions['us-east-1']!.workspaces!.workspaces!;
      for (const w of fleet) if (w.id === 'ws-eng0000003' || w.id === 'ws-cc00000003') w.bundleId = 'wsb-graphics01';
      await world(seed);
      const { r, ids } = await selectedBy(['- bundleId: wsb-graphics01']);
      assert.deepEqual(r.failures, []);
      assert.deepEqual(ids, ['ws-cc00000003', 'ws-eng0000003']);
      assert.deepEqual(calls('DescribeWorkspaces').map((c) => c.input), [{ BundleId: 'wsb-graphics01', Limit: 25 }]);
    });

    it('directoryId + tags: WorkSpaces of the directory carrying ALL the tags', async () => {
      assert.deepEqual((await selectedBy([`- directoryId: ${ENG}`, '  tags: {dept: eng}'])).ids, ['ws-eng0000001', 'ws-eng0000002', 'ws-eng0000003']);
      assert.deepEqual((await selectedBy([`- directoryId: ${ENG}`, '  tags: {dept: eng, owner: platform}'])).ids, ['ws-eng0000001']);
      assert.deepEqual((await selectedBy([`- directoryId: ${CC}`, '  tags: {dept: eng}'])).ids, [], 'the tag is in another directory');
    });

    it('several selectors: the union, each WorkSpace once, workspaceIds included', async () => {
      const r = await resolve(workspacesDoc('union', ['workspaceIds: [ws-cc00000001]', 'workspaces:', `  - directoryId: ${ENG}`, '    tags: {owner: platform}', `  - directoryId: ${CC}`, '    userNames: [cc1, cc2]', 'applications: [Slack]']));
      assert.deepEqual(r.targets.map((t) => t.workspaceId), ['ws-cc00000001', 'ws-cc00000002', 'ws-eng0000001']);
      for (const t of r.targets) assert.deepEqual(labelsOf(t), { 'wsa-slack00001': 'Slack' });
    });

    describe('TERMINATING and TERMINATED WorkSpaces are never selected', () => {
      beforeEach(async () => {
        const seed = demoSeed();
        const fleet = seed.accounts[0]!.regions['us-east-1']!.workspaces!.workspaces!;
        const gone = (id: string, userName: string, state: SeedWorkSpace['state']): SeedWorkSpace => ({ id, directoryId: ENG, userName, bundleId: 'wsb-graphics01', state, tags: { dept: 'eng' } });
        fleet.push(gone('ws-eng0000008', 'eng8', 'TERMINATING'), gone('ws-eng0000009', 'eng9', 'TERMINATED'));
        fleet.push({ id: 'ws-eng0000007', directoryId: ENG, userName: 'eng7', bundleId: 'wsb-graphics01', state: 'STOPPED', tags: { dept: 'eng' } });
        await world(seed);
      });

      it('by directory, by bundle and by tags (and DescribeTags is not even asked about them)', async () => {
        const live = ['ws-eng0000001', 'ws-eng0000002', 'ws-eng0000003', 'ws-eng0000007'];
        assert.deepEqual((await selectedBy([`- directoryId: ${ENG}`])).ids, live, 'a STOPPED WorkSpace is still a WorkSpace');
        assert.deepEqual((await selectedBy(['- bundleId: wsb-graphics01'])).ids, ['ws-eng0000007']);
        const before = calls('DescribeTags').length;
        assert.deepEqual((await selectedBy([`- directoryId: ${ENG}`, '  tags: {dept: eng}'])).ids, live);
        const asked = calls('DescribeTags').slice(before).map((c) => c.input.ResourceId);
        assert.ok(!asked.includes('ws-eng0000008') && !asked.includes('ws-eng0000009'), asked.join());
        // The sandbox does list them: the resolver is what leaves them out.
        const listed = await h!.clients.workspaces(REGION).send(new DescribeWorkspacesCommand({ DirectoryId: ENG }));
        assert.deepEqual(listed.Workspaces?.filter((w) => w.State?.startsWith('TERMINAT')).map((w) => w.WorkspaceId).sort(), ['ws-eng0000008', 'ws-eng0000009']);
      });

      it('by user name: a user whose only WorkSpace is TERMINATED has none (a terminal failure of the document)', async () => {
        const { r, ids } = await selectedBy([`- directoryId: ${ENG}`, '  userNames: [eng9, eng1]']);
        assert.deepEqual(ids, ['ws-eng0000001']);
        assert.equal(r.failures.length, 1);
        assert.equal(r.failures[0]!.error.kind, 'terminal');
        assert.match(r.failures[0]!.error.awsMessage, /user 'eng9' has no WorkSpace in directory d-9067a1b2c3/);
      });
    });

    it('a userName with no WorkSpace: a terminal failure of the document, at that name, with no target for it', async () => {
      const { r, ids } = await selectedBy([`- directoryId: ${CC}`, '  userNames: [cc1, cc9]']);
      assert.deepEqual(ids, ['ws-cc00000001']);
      assert.deepEqual(r.blocked, []);
      assert.equal(r.failures.length, 1);
      const f = r.failures[0]!;
      assert.equal(f.document.name, 'selected');
      assert.equal(f.error.kind, 'terminal');
      assert.equal(f.error.code, 'NameNotFound');
      assert.equal(f.error.operation, 'DescribeWorkspaces');
      assert.deepEqual([f.at.line, f.at.col], [9, 24], 'points at cc9');
      assert.deepEqual(f.keys, []);
    });
  });

  describe('6. names that resolve to nothing, or to several', () => {
    it('a mistyped username: an unresolved item (NameNotFound, did you mean), the rest of the target resolves', async () => {
      const r = await resolve(connectDoc('typo', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16, agnet20]', 'routingProfiles: [Supervisors]', 'prune: true']));
      assert.deepEqual(r.failures, []);
      const t = targetOf(r.targets, connectKey(SUPERVISORS));
      assert.deepEqual(desiredOf(t), [agent(16), routingProfile(4)].sort());
      assert.equal(t.unresolved?.length, 1);
      const u = t.unresolved![0]!;
      assert.deepEqual({ item: u.item, code: u.code }, { item: 'user agnet20', code: 'NameNotFound' });
      assert.match(u.message, /no user of instance .* is named 'agnet20'; did you mean 'agent20'\?/);
      assert.deepEqual([u.at.line, u.at.col], [9, 20], 'points at agnet20');
    });

    it('a name far from every name: NameNotFound without a did-you-mean', async () => {
      const r = await resolve(connectDoc('far', [`workspaceId: ${SUPERVISORS}`, 'routingProfiles: [Night shift escalations]']));
      const u = r.targets[0]!.unresolved![0]!;
      assert.equal(u.item, 'routing profile Night shift escalations');
      assert.equal(u.code, 'NameNotFound');
      assert.doesNotMatch(u.message, /did you mean/);
    });

    it('a mistyped application name: unresolved on every WorkSpace of the document, with a did-you-mean', async () => {
      const r = await resolve(workspacesDoc('apps', ['workspaceIds: [ws-eng0000001, ws-eng0000002]', 'applications: [Google Chrome, Visual Studio Cod]']));
      assert.equal(r.targets.length, 2);
      for (const t of r.targets) {
        assert.deepEqual(desiredOf(t), ['wsa-chrome0001']);
        assert.deepEqual(t.unresolved?.map((u) => [u.item, u.code]), [['application Visual Studio Cod', 'NameNotFound']]);
        assert.match(t.unresolved![0]!.message, /did you mean 'Visual Studio Code'\?/);
      }
    });

    it('names matching case-insensitively only are not the same name (exact), but the did-you-mean says which', async () => {
      const r = await resolve(connectDoc('case', [`workspaceId: ${SUPERVISORS}`, 'users: [AGENT16]']));
      const t = r.targets[0]!;
      assert.deepEqual(desiredOf(t), []);
      assert.match(t.unresolved![0]!.message, /did you mean 'agent16'\?/);
    });

    it('two applications with the same name: NameAmbiguous, naming both ids', async () => {
      const seed = demoSeed();
      seed.accounts[0]!.regions['us-east-1']!.workspaces!.applications!.push({ id: 'wsa-chrome0002', name: 'Google Chrome' });
      await world(seed);
      const r = await resolve(workspacesDoc('apps', ['workspaceIds: [ws-eng0000001]', 'applications: [Google Chrome, Slack]']));
      const t = r.targets[0]!;
      assert.deepEqual(desiredOf(t), ['wsa-slack00001'], 'neither Chrome is chosen');
      const u = t.unresolved![0]!;
      assert.equal(u.code, 'NameAmbiguous');
      assert.match(u.message, /wsa-chrome0001/);
      assert.match(u.message, /wsa-chrome0002/);
    });

    it('two routing profiles with the same name: NameAmbiguous; in a userSelector, no SearchUsers at all', async () => {
      const seed = demoSeed();
      seed.accounts[0]!.regions['us-east-1']!.connect!.instances![0]!.routingProfiles!.push({ id: '7a6b5c4d-0000-1111-2222-333344445599', name: 'Billing' });
      await world(seed);
      const r = await resolve(connectDoc('dup', [`workspaceId: ${BILLING_DESK}`, 'routingProfiles: [Billing]', 'userSelector:', '  routingProfiles: [Billing]']));
      const t = r.targets[0]!;
      assert.deepEqual(desiredOf(t), []);
      assert.deepEqual(t.unresolved?.map((u) => [u.item, u.code]), [['routing profile Billing', 'NameAmbiguous'], ['routing profile Billing (userSelector)', 'NameAmbiguous']]);
      assert.deepEqual(calls('SearchUsers'), []);
    });

    it('two Connect workspaces with the same name: a terminal failure of the document (NameAmbiguous), no target', async () => {
      const seed = demoSeed();
      seed.accounts[0]!.regions['us-east-1']!.connect!.instances![0]!.workspaces!.push({ id: '0a0b0c0d-aaaa-bbbb-cccc-000000000000', name: 'Billing desk' });
      await world(seed);
      const r = await resolve(connectDoc('dup', ['workspaceName: Billing desk', 'users: [agent11]', 'prune: true']));
      assert.deepEqual(r.targets, []);
      assert.equal(r.failures.length, 1);
      assert.equal(r.failures[0]!.error.kind, 'terminal');
      assert.equal(r.failures[0]!.error.code, 'NameAmbiguous');
    });

    it('a workspaceName that does not exist: a terminal ResolveFailure of the document at workspaceName, with a did-you-mean, and no target', async () => {
      const r = await resolve(connectDoc('typo', ['workspaceName: Suport floor', 'users: [agent01]', 'prune: true']));
      assert.deepEqual(r.targets, []);
      assert.deepEqual(r.blocked, []);
      assert.equal(r.failures.length, 1);
      const f = r.failures[0]!;
      assert.equal(f.document.name, 'typo');
      assert.equal(f.error.kind, 'terminal');
      assert.equal(f.error.code, 'NameNotFound');
      assert.equal(f.error.operation, 'ListWorkspaces');
      assert.match(f.error.awsMessage, /no workspace of instance .* is named 'Suport floor'; did you mean 'Support floor'\?/);
      assert.deepEqual([f.at.line, f.at.col], [8, 18]);
      assert.deepEqual(ops(calls()), ['ListWorkspaces'], 'nothing else is looked up for a workspace that does not exist');
    });
  });
});
