/** Valid desired state → targets: union, prune, regions, keys, positions, multi-document files. */
import assert from 'node:assert/strict';
import {
  connectKey,
  loadDesiredStateFromText,
  workspaceKey,
  type DesiredState,
  type LoadOptions,
  type Target,
} from '../../src/config/index.js';
import { agentArn, CONNECT, edit, INSTANCE, profileArn, SUPPORT_FLOOR, WORKSPACES } from './fixtures.js';

function load(files: Record<string, string>, options?: LoadOptions): DesiredState {
  const result = loadDesiredStateFromText(
    Object.entries(files).map(([file, text]) => ({ file, text })),
    options,
  );
  assert.deepEqual(result.errors, [], 'no errors');
  assert.ok(result.state);
  return result.state;
}

/** A target as plain data, so whole targets compare with deepEqual. */
function plain(t: Target) {
  return { ...t, desired: Object.fromEntries(t.desired) };
}

const SUPPORT_KEY = connectKey('default', 'us-east-1', INSTANCE, SUPPORT_FLOOR);

describe('config: normalization into targets', () => {
  it('one Connect document is one target with every item and where it was written', () => {
    const state = load({ 'a.yaml': CONNECT });
    assert.deepEqual(state.targets.map(plain), [
      {
        type: 'connect',
        account: 'default',
        key: SUPPORT_KEY,
        region: 'us-east-1',
        instanceId: INSTANCE,
        workspaceId: SUPPORT_FLOOR,
        desired: {
          [agentArn(1)]: { file: 'a.yaml', line: 10, col: 7 },
          [profileArn(1)]: { file: 'a.yaml', line: 11, col: 7 },
        },
        prune: false,
        documents: [{ kind: 'ConnectWorkspaceAssociations', name: 'support-floor', location: { file: 'a.yaml', line: 4, col: 9 } }],
      },
    ]);
    assert.equal(state.documentCount, 1);
    assert.deepEqual(state.files, ['a.yaml']);
  });

  it('documents naming one target are united; an item keeps its first listing', () => {
    const other = edit(
      CONNECT,
      ['support-floor', 'floor-extras'],
      ['  region: us-east-1\n', ''],
      [`    - ${agentArn(1)}`, `    - ${agentArn(2)}`],
      [`    - ${profileArn(1)}`, `    - ${agentArn(1)}`],
    );
    // b.yaml has no spec.region: the default region makes it the same target as a.yaml's.
    const state = load({ 'a.yaml': CONNECT, 'b.yaml': other }, { defaultRegion: 'us-east-1' });
    assert.equal(state.targets.length, 1);
    const [t] = state.targets;
    assert.deepEqual(Object.fromEntries(t.desired), {
      [agentArn(1)]: { file: 'a.yaml', line: 10, col: 7 },
      [profileArn(1)]: { file: 'a.yaml', line: 11, col: 7 },
      [agentArn(2)]: { file: 'b.yaml', line: 9, col: 7 },
    });
    assert.deepEqual(
      t.documents.map((d) => `${d.name}@${d.location.file}`),
      ['support-floor@a.yaml', 'floor-extras@b.yaml'],
    );
  });

  it('prune: true sets prune on its own targets only', () => {
    const state = load({
      'a.yaml': edit(CONNECT, ['prune: false', 'prune: true']),
      'b.yaml': WORKSPACES,
    });
    assert.deepEqual(
      state.targets.map((t) => [t.key, t.prune]),
      [
        [SUPPORT_KEY, true],
        [workspaceKey('default', 'us-east-1', 'ws-eng0000001'), false],
        [workspaceKey('default', 'us-east-1', 'ws-eng0000002'), false],
      ],
    );
  });

  it('prune: true with an empty list and allowEmpty: true is valid and means "remove everything"', () => {
    const text = edit(CONNECT, [`  resourceArns:\n    - ${agentArn(1)}\n    - ${profileArn(1)}\n`, '  resourceArns: []\n'], ['prune: false', 'prune: true\n  allowEmpty: true']);
    const result = loadDesiredStateFromText([{ file: 'a.yaml', text }]);
    assert.deepEqual([result.errors, result.warnings], [[], []]);
    assert.equal(result.state?.targets[0].prune, true);
    assert.equal(result.state?.targets[0].desired.size, 0);
    assert.equal(result.state?.targets[0].allowEmpty, true);
  });

  it('without spec.region the default region applies; without either the region is unknown', () => {
    const text = edit(WORKSPACES, ['  region: us-east-1\n', '']);
    const cases = [
      { reason: 'default region', options: { defaultRegion: 'eu-west-2' }, region: 'eu-west-2', key: 'workspaces/eu-west-2/ws-eng0000001' },
      { reason: 'no region at all', options: {}, region: undefined, key: 'workspaces/-/ws-eng0000001' },
    ];
    for (const tc of cases) {
      const [first] = load({ 'a.yaml': text }, tc.options).targets;
      assert.deepEqual([first.region, first.key], [tc.region, tc.key], tc.reason);
    }
    // spec.region wins over the default.
    assert.equal(load({ 'a.yaml': WORKSPACES }, { defaultRegion: 'eu-west-2' }).targets[0].region, 'us-east-1');
  });

  it('a WorkSpaces document is one target per WorkSpace, each with all its applications', () => {
    const state = load({ 'a.yaml': WORKSPACES });
    assert.deepEqual(state.targets.map(plain), ['ws-eng0000001', 'ws-eng0000002'].map((id) => ({
      type: 'workspaces',
      account: 'default',
      key: `workspaces/us-east-1/${id}`,
      region: 'us-east-1',
      workspaceId: id,
      desired: {
        'wsa-vscode0001': { file: 'a.yaml', line: 9, col: 7 },
        'wsa-chrome0001': { file: 'a.yaml', line: 10, col: 7 },
      },
      prune: false,
      documents: [{ kind: 'WorkSpaceApplications', name: 'engineering-desktops', location: { file: 'a.yaml', line: 4, col: 9 } }],
    })));
  });

  it('targets are sorted by key whatever the order of files and documents', () => {
    const state = load({
      'z.yaml': edit(WORKSPACES, ['[ws-eng0000001, ws-eng0000002]', '[ws-zzz0000001, ws-aaa0000001]']),
      'a.yaml': edit(CONNECT, ['us-east-1\n', 'eu-west-2\n'], ['support-floor', 'eu'], [agentArn(1), agentArn(1, 'eu-west-2')], [`    - ${profileArn(1)}\n`, '']),
      'm.yaml': CONNECT,
    });
    const keys = state.targets.map((t) => t.key);
    assert.deepEqual(keys, [...keys].sort());
    assert.deepEqual(keys, [
      connectKey('default', 'eu-west-2', INSTANCE, SUPPORT_FLOOR),
      SUPPORT_KEY,
      workspaceKey('default', 'us-east-1', 'ws-aaa0000001'),
      workspaceKey('default', 'us-east-1', 'ws-zzz0000001'),
    ]);
    assert.deepEqual(state.files, ['z.yaml', 'a.yaml', 'm.yaml']);
  });

  it('reads every document of a multi-document file', () => {
    const text = `# both kinds in one file\n${CONNECT}---\n${WORKSPACES}...\n`;
    const state = load({ 'all.yaml': text });
    assert.equal(state.documentCount, 2);
    assert.equal(state.targets.length, 3);
    const ws = state.targets.find((t) => t.type === 'workspaces');
    // The second document starts after the comment line, CONNECT's 12 lines and '---'.
    assert.deepEqual(ws?.desired.get('wsa-vscode0001'), { file: 'all.yaml', line: 23, col: 7 });
  });

  it('aliases within bounds are resolved', () => {
    const text = edit(
      WORKSPACES,
      ['  name: engineering-desktops', '  name: engineering-desktops\n  labels: {team: &t eng, owner: *t}'],
      ['    - wsa-chrome0001', '    - &chrome wsa-chrome0001'],
    );
    const state = load({ 'a.yaml': text });
    assert.deepEqual([...state.targets[0].desired.keys()], ['wsa-vscode0001', 'wsa-chrome0001']);
  });

  it('no files at all is an empty desired state, not an error', () => {
    const result = loadDesiredStateFromText([]);
    assert.deepEqual(result, { state: { targets: [], intents: [], accounts: [], needsResolution: false, documentCount: 0, files: [] }, errors: [], warnings: [] });
  });
});
