import assert from 'node:assert/strict';
import {
  DescribeApplicationsCommand, DescribeTagsCommand, DescribeWorkspacesCommand, InvalidParameterValuesException, paginateDescribeApplications,
  paginateDescribeWorkspaces, ResourceNotFoundException, type DescribeWorkspacesCommandInput,
} from '@aws-sdk/client-workspaces';
import { startSandbox, type Sandbox, type Seed, type SeedWorkSpace } from '../../src/sandbox/index.js';
import { clients, rejection } from './helpers.js';

type WorkSpaces = ReturnType<typeof clients>['workspaces'];

const ENG = 'd-0123456789';
const CC = 'wsd-abcdefgh01';
const BUNDLE = 'wsb-graphics01';
/** 12 WorkSpaces: 8 in ENG (every third on BUNDLE), 4 in CC; even ones tagged dept=eng, some more. */
const workspaces: SeedWorkSpace[] = Array.from({ length: 12 }, (_, i) => ({
  id: `ws-sel${String(i).padStart(7, '0')}`,
  directoryId: i < 8 ? ENG : CC,
  userName: `user${i}`,
  ...(i % 3 === 0 ? { bundleId: BUNDLE } : {}),
  ...(i % 2 === 0 ? { tags: { dept: 'eng', ...(i % 4 === 0 ? { 'cost center': '42', empty: '' } : {}) } } : {}),
}));
const seed: Seed = {
  accounts: [{ id: '111122223333', regions: { 'us-east-1': { workspaces: {
    applications: [
      { id: 'wsa-chrome0001', name: 'Google Chrome' },
      { id: 'wsa-notepad001', name: 'Notepad++', licenseType: 'UNLICENSED' },
      { id: 'wsa-custom0001', name: 'In-house tool', owner: '111122223333' },
      { id: 'wsa-office0001', name: 'Office' },
      { id: 'wsa-zoom000001', name: 'Zoom' },
    ],
    workspaces,
  } } } }],
};
const wsId = (i: number) => workspaces[i].id;

async function scan(c: WorkSpaces, input: DescribeWorkspacesCommandInput, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of paginateDescribeWorkspaces({ client: c, pageSize }, input)) {
    pages++;
    for (const w of page.Workspaces ?? []) ids.push(w.WorkspaceId ?? '');
  }
  return { ids, pages };
}

describe('sandbox: DescribeTags and the DescribeWorkspaces filters selectors use', () => {
  let sb: Sandbox;
  let ws: WorkSpaces;
  before(async () => {
    sb = await startSandbox({ quotas: false, seed });
    ws = clients(sb).workspaces;
  });
  after(() => sb.close());

  it('DescribeTags answers a WorkSpace\'s tags in seed order, [] for an untagged one', async () => {
    const tagged = await ws.send(new DescribeTagsCommand({ ResourceId: wsId(4) }));
    assert.deepEqual(tagged.TagList, [{ Key: 'dept', Value: 'eng' }, { Key: 'cost center', Value: '42' }, { Key: 'empty', Value: '' }]);
    const untagged = await ws.send(new DescribeTagsCommand({ ResourceId: wsId(1) }));
    assert.deepEqual(untagged.TagList, []);
    assert.deepEqual(sb.calls.at(-1)?.input, { ResourceId: wsId(1) });
  });

  const tagErrors = [
    { reason: 'an unknown WorkSpace id', id: 'ws-missing0001' },
    { reason: 'a directory id (the sandbox tags only WorkSpaces)', id: ENG },
    { reason: 'an application id', id: 'wsa-chrome0001' },
  ];
  for (const tc of tagErrors) {
    it(`DescribeTags of ${tc.reason} is ResourceNotFoundException with ResourceId`, async () => {
      const e = await rejection(ws.send(new DescribeTagsCommand({ ResourceId: tc.id })));
      assert.ok(e instanceof ResourceNotFoundException, `${e.name}: ${e.message}`);
      assert.equal(e.ResourceId, tc.id);
      assert.equal(e.$metadata.httpStatusCode, 400);
    });
  }

  it('DescribeTags without ResourceId is InvalidParameterValuesException', async () => {
    const e = await rejection(ws.send(new DescribeTagsCommand({} as never)));
    assert.ok(e instanceof InvalidParameterValuesException, e.name);
  });

  const filters: { reason: string; input: DescribeWorkspacesCommandInput; expected: number[] }[] = [
    { reason: 'no filter: every WorkSpace', input: {}, expected: [...Array(12).keys()] },
    { reason: 'WorkspaceIds alone (unknown ids left out)', input: { WorkspaceIds: [wsId(5), 'ws-missing0001', wsId(2)] }, expected: [2, 5] },
    { reason: 'DirectoryId alone', input: { DirectoryId: ENG }, expected: [0, 1, 2, 3, 4, 5, 6, 7] },
    { reason: 'a wsd- DirectoryId', input: { DirectoryId: CC }, expected: [8, 9, 10, 11] },
    { reason: 'DirectoryId with UserName', input: { DirectoryId: ENG, UserName: 'user3' }, expected: [3] },
    { reason: 'DirectoryId with the UserName of another directory', input: { DirectoryId: ENG, UserName: 'user9' }, expected: [] },
    { reason: 'BundleId alone', input: { BundleId: BUNDLE }, expected: [0, 3, 6, 9] },
    { reason: 'WorkspaceName alone (sandbox WorkSpaces have none)', input: { WorkspaceName: 'shared-desk' }, expected: [] },
  ];
  for (const tc of filters) {
    it(`DescribeWorkspaces pages 2 at a time: ${tc.reason}`, async () => {
      const { ids, pages } = await scan(ws, tc.input, 2);
      assert.deepEqual(ids, tc.expected.map(wsId));
      assert.equal(pages, Math.max(1, Math.ceil(tc.expected.length / 2)));
    });
  }

  const refused: { reason: string; input: DescribeWorkspacesCommandInput; message: RegExp }[] = [
    { reason: 'WorkspaceIds with DirectoryId', input: { WorkspaceIds: [wsId(0)], DirectoryId: ENG }, message: /one filter at a time/ },
    { reason: 'WorkspaceIds with BundleId', input: { WorkspaceIds: [wsId(0)], BundleId: BUNDLE }, message: /one filter at a time/ },
    { reason: 'WorkspaceIds with UserName', input: { WorkspaceIds: [wsId(0)], UserName: 'user0' }, message: /UserName requires DirectoryId/ },
    { reason: 'WorkspaceIds with WorkspaceName', input: { WorkspaceIds: [wsId(0)], WorkspaceName: 'shared-desk' }, message: /one filter at a time/ },
    { reason: 'DirectoryId with BundleId', input: { DirectoryId: ENG, BundleId: BUNDLE }, message: /one filter at a time/ },
    { reason: 'DirectoryId, UserName and BundleId', input: { DirectoryId: ENG, UserName: 'user0', BundleId: BUNDLE }, message: /one filter at a time/ },
    { reason: 'BundleId with UserName', input: { BundleId: BUNDLE, UserName: 'user0' }, message: /UserName requires DirectoryId/ },
    { reason: 'UserName alone', input: { UserName: 'user0' }, message: /UserName requires DirectoryId/ },
    { reason: 'an empty WorkspaceIds list', input: { WorkspaceIds: [] }, message: /WorkspaceIds must contain 1 to 25/ },
    { reason: '26 WorkspaceIds', input: { WorkspaceIds: Array.from({ length: 26 }, (_, i) => `ws-many${String(i).padStart(5, '0')}`) }, message: /WorkspaceIds must contain 1 to 25/ },
    { reason: 'a directory id with a prefix before d- (the model anchors only one alternative)', input: { DirectoryId: 'xd-0123456789' }, message: /DirectoryId/ },
    { reason: 'a directory id of 66 characters', input: { DirectoryId: `wsd-${'a'.repeat(62)}` }, message: /DirectoryId must be 10 to 65/ },
    { reason: 'a UserName of 64 characters', input: { DirectoryId: ENG, UserName: 'u'.repeat(64) }, message: /UserName must be 1 to 63/ },
    { reason: 'a WorkspaceName outside its pattern', input: { WorkspaceName: 'a b' }, message: /WorkspaceName/ },
    { reason: 'Limit 0', input: { Limit: 0 }, message: /Limit/ },
    { reason: 'Limit 26', input: { Limit: 26 }, message: /Limit/ },
  ];
  for (const tc of refused) {
    it(`DescribeWorkspaces refuses ${tc.reason} with InvalidParameterValuesException`, async () => {
      const e = await rejection(ws.send(new DescribeWorkspacesCommand(tc.input)));
      assert.ok(e instanceof InvalidParameterValuesException, `${e.name}: ${e.message}`);
      assert.match(e.message, tc.message);
    });
  }

  it('a DescribeWorkspaces token is refused for another filter', async () => {
    const first = await ws.send(new DescribeWorkspacesCommand({ DirectoryId: ENG, Limit: 3 }));
    assert.ok(first.NextToken);
    for (const input of [{ DirectoryId: CC }, { BundleId: BUNDLE }, {}, { DirectoryId: ENG, UserName: 'user4' }]) {
      const e = await rejection(ws.send(new DescribeWorkspacesCommand({ ...input, NextToken: first.NextToken })));
      assert.ok(e instanceof InvalidParameterValuesException, JSON.stringify(input));
    }
    const rest = await ws.send(new DescribeWorkspacesCommand({ DirectoryId: ENG, Limit: 25, NextToken: first.NextToken }));
    assert.deepEqual(rest.Workspaces?.map((w) => w.WorkspaceId), [3, 4, 5, 6, 7].map(wsId));
    assert.equal(rest.NextToken, undefined);
  });

  it('DescribeApplications scans the catalogue page by page; its token is bound to the filters', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeApplications({ client: ws, pageSize: 2 }, {})) {
      pages++;
      for (const a of page.Applications ?? []) names.push(a.Name ?? '');
    }
    assert.equal(pages, 3);
    assert.deepEqual([...names].sort(), ['Google Chrome', 'In-house tool', 'Notepad++', 'Office', 'Zoom']);
    const first = await ws.send(new DescribeApplicationsCommand({ MaxResults: 2 }));
    const e = await rejection(ws.send(new DescribeApplicationsCommand({ MaxResults: 2, LicenseType: 'LICENSED', NextToken: first.NextToken })));
    assert.ok(e instanceof InvalidParameterValuesException);
    const owned = await ws.send(new DescribeApplicationsCommand({ Owner: '111122223333' }));
    assert.deepEqual(owned.Applications?.map((a) => a.ApplicationId), ['wsa-custom0001']);
    const unlicensed = await ws.send(new DescribeApplicationsCommand({ LicenseType: 'UNLICENSED' }));
    assert.deepEqual(unlicensed.Applications?.map((a) => a.ApplicationId), ['wsa-notepad001']);
    const e2 = await rejection(ws.send(new DescribeApplicationsCommand({ Owner: 'AMAZONX' })));
    assert.ok(e2 instanceof InvalidParameterValuesException, 'Owner is anchored at both ends');
  });
});
