/**
 * DesiredState.intents: one per document, in load order, everything it asks for with where it
 * was written; `targets` stays what the concrete parts name, exactly as before names existed.
 */
import assert from 'node:assert/strict';
import {
  isConcrete,
  loadDesiredStateFromText,
  type DesiredState,
  type DocumentRef,
  type Intent,
  type LoadOptions,
  type SourceLocation,
  type Target,
} from '../../src/config/index.js';
import { agentArn, ARNS, CONNECT, edit, INSTANCE, profileArn, SUPPORT_FLOOR, WORKSPACES } from './fixtures.js';
import { CONNECT_NAMES, HIERARCHY_GROUP, WORKSPACES_SELECTED } from './fixtures-names.js';

function load(files: Record<string, string>, options?: LoadOptions): DesiredState {
  const result = loadDesiredStateFromText(
    Object.entries(files).map(([file, text]) => ({ file, text })),
    options,
  );
  assert.deepEqual(result.errors, [], 'no errors');
  assert.ok(result.state);
  return result.state;
}

const plain = (t: Target) => ({ ...t, desired: Object.fromEntries(t.desired) });
const at = (file: string, line: number, col: number): SourceLocation => ({ file, line, col });
const item = (value: string, file: string, line: number, col: number) => ({ value, at: at(file, line, col) });
const ref = (kind: DocumentRef['kind'], name: string, file: string, line: number): DocumentRef => ({ kind, name, location: at(file, line, 9) });

describe('config: intents', () => {
  it('a file mixing ids, names and selectors: one intent per document, in order, every item where it is written', () => {
    // m.yaml: CONNECT_NAMES (lines 1-17), ---, WORKSPACES_SELECTED (19-32); w.yaml: WORKSPACES.
    const text = `${CONNECT_NAMES}---\n${edit(WORKSPACES_SELECTED, ['prune: false', 'prune: true\n  allowEmpty: true'])}`;
    const state = load({ 'm.yaml': text, 'w.yaml': WORKSPACES });
    const m = (line: number, col: number) => at('m.yaml', line, col);
    const expected: Intent[] = [
      {
        type: 'connect',
        document: ref('ConnectWorkspaceAssociations', 'support-names', 'm.yaml', 4),
        region: 'us-east-1',
        instanceId: INSTANCE,
        workspace: { by: 'name', name: 'Support floor', at: m(8, 18) },
        resourceArns: [],
        users: [item('jdoe', 'm.yaml', 9, 11), item('asmith', 'm.yaml', 9, 17)],
        routingProfiles: [item('Basic Routing Profile', 'm.yaml', 11, 7)],
        userSelector: {
          at: m(13, 5),
          tags: { at: m(13, 11), tags: [{ key: 'team', value: 'support', at: m(13, 12) }] },
          routingProfiles: [item('Support Tier 1', 'm.yaml', 14, 23)],
          hierarchyGroupIds: [item(HIERARCHY_GROUP, 'm.yaml', 15, 25)],
          includeChildGroups: true,
        },
        prune: false,
        allowEmpty: false,
      },
      {
        type: 'workspaces',
        document: ref('WorkSpaceApplications', 'engineering-selected', 'm.yaml', 22),
        region: 'us-east-1',
        workspaceIds: [],
        selectors: [
          { by: 'directory', at: m(26, 7), directoryId: 'd-1234567890', userNames: [item('jdoe', 'm.yaml', 27, 19), item('asmith', 'm.yaml', 27, 25)] },
          { by: 'bundle', at: m(28, 7), bundleId: 'wsb-0123456789' },
          { by: 'tags', at: m(29, 7), directoryId: 'd-1234567890', tags: { at: m(30, 13), tags: [{ key: 'dept', value: 'eng', at: m(30, 14) }] } },
        ],
        applicationIds: [],
        applications: [item('Google Chrome', 'm.yaml', 31, 18)],
        prune: true,
        pruneAt: m(32, 10),
        allowEmpty: true,
      },
      {
        type: 'workspaces',
        document: ref('WorkSpaceApplications', 'engineering-desktops', 'w.yaml', 4),
        region: 'us-east-1',
        workspaceIds: [item('ws-eng0000001', 'w.yaml', 7, 18), item('ws-eng0000002', 'w.yaml', 7, 33)],
        selectors: [],
        applicationIds: [item('wsa-vscode0001', 'w.yaml', 9, 7), item('wsa-chrome0001', 'w.yaml', 10, 7)],
        applications: [],
        prune: false,
        allowEmpty: false,
      },
    ];
    assert.deepEqual(state.intents, expected);
    assert.equal(state.needsResolution, true);
    // Only w.yaml names anything concretely: its two WorkSpaces are the only targets.
    assert.deepEqual(state.targets.map((t) => t.key), ['workspaces/us-east-1/ws-eng0000001', 'workspaces/us-east-1/ws-eng0000002']);
    assert.deepEqual(state.intents.map(isConcrete), [false, false, true]);
  });

  it('old files: the same targets whether or not documents with names are loaded beside them', () => {
    const old = { 'a.yaml': CONNECT, 'b.yaml': WORKSPACES };
    const alone = load(old);
    const beside = load({ ...old, 'n.yaml': `${CONNECT_NAMES}---\n${WORKSPACES_SELECTED}` });
    assert.deepEqual(beside.targets.map(plain), alone.targets.map(plain));
    assert.equal(alone.needsResolution, false);
    assert.equal(beside.needsResolution, true);
  });

  it('old files: every intent is concrete and holds what the targets hold', () => {
    const state = load({ 'a.yaml': CONNECT, 'b.yaml': edit(WORKSPACES, ['prune: false', 'prune: true']) });
    assert.equal(state.needsResolution, false);
    assert.deepEqual(state.intents.map(isConcrete), [true, true]);
    const [connect, workspaces] = state.intents;
    assert.ok(connect.type === 'connect' && workspaces.type === 'workspaces');
    assert.deepEqual(connect.workspace, { by: 'id', id: SUPPORT_FLOOR, at: at('a.yaml', 8, 16) });
    assert.deepEqual(connect.resourceArns, [item(agentArn(1), 'a.yaml', 10, 7), item(profileArn(1), 'a.yaml', 11, 7)]);
    assert.deepEqual([connect.users, connect.routingProfiles, connect.userSelector, connect.pruneAt], [[], [], undefined, undefined]);
    assert.deepEqual([workspaces.prune, workspaces.pruneAt], [true, at('b.yaml', 11, 10)]);
  });

  it('a Connect document with workspaceId and names: a target of its ARNs; the names only in its intent', () => {
    const text = edit(CONNECT, [ARNS, `  resourceArns:\n    - ${agentArn(1)}\n  users: [jdoe]\n`]);
    const state = load({ 'a.yaml': text });
    assert.deepEqual(state.targets.map((t) => [t.key, Object.fromEntries(t.desired)]), [
      [`connect/us-east-1/${INSTANCE}/${SUPPORT_FLOOR}`, { [agentArn(1)]: at('a.yaml', 10, 7) }],
    ]);
    const [intent] = state.intents;
    assert.ok(intent.type === 'connect');
    assert.deepEqual(intent.users, [item('jdoe', 'a.yaml', 11, 11)]);
    assert.equal(isConcrete(intent), false);
    assert.equal(state.needsResolution, true);
  });

  it('a Connect document with workspaceName contributes no target', () => {
    const text = edit(CONNECT, [`  workspaceId: ${SUPPORT_FLOOR}`, '  workspaceName: Support floor']);
    const state = load({ 'a.yaml': text });
    assert.deepEqual(state.targets, []);
    assert.equal(state.intents.length, 1);
    assert.deepEqual(state.intents[0].type === 'connect' && state.intents[0].workspace, { by: 'name', name: 'Support floor', at: at('a.yaml', 8, 18) });
    assert.equal(state.needsResolution, true);
  });

  it('a WorkSpaces document with ids and names: targets are workspaceIds × applicationIds', () => {
    const text = edit(WORKSPACES, ['  prune: false', '  applications: [Slack]\n  prune: false']);
    const state = load({ 'a.yaml': text });
    assert.deepEqual(
      state.targets.map((t) => [t.key, [...t.desired.keys()]]),
      ['ws-eng0000001', 'ws-eng0000002'].map((id) => [`workspaces/us-east-1/${id}`, ['wsa-vscode0001', 'wsa-chrome0001']]),
    );
    assert.equal(state.needsResolution, true);
  });

  it('empty lists of names name nothing: the intent is still concrete', () => {
    const text = edit(CONNECT, [ARNS, `${ARNS}  users: []\n  routingProfiles: []\n`]);
    const state = load({ 'a.yaml': text });
    assert.deepEqual(state.intents.map(isConcrete), [true]);
    assert.equal(state.needsResolution, false);
  });

  it('isConcrete: each name or selector alone makes an intent not concrete', () => {
    const state = load({ 'c.yaml': CONNECT, 'w.yaml': WORKSPACES });
    const [connect, workspaces] = state.intents;
    assert.ok(connect.type === 'connect' && workspaces.type === 'workspaces');
    const here = at('x.yaml', 1, 1);
    const variants: [string, Intent][] = [
      ['workspace by name', { ...connect, workspace: { by: 'name', name: 'Support floor', at: here } }],
      ['a user', { ...connect, users: [{ value: 'jdoe', at: here }] }],
      ['a routing profile', { ...connect, routingProfiles: [{ value: 'Basic Routing Profile', at: here }] }],
      ['a userSelector', { ...connect, userSelector: { at: here, routingProfiles: [{ value: 'Tier 1', at: here }], hierarchyGroupIds: [], includeChildGroups: false } }],
      ['a selector', { ...workspaces, selectors: [{ by: 'bundle', at: here, bundleId: 'wsb-0123456789' }] }],
      ['an application name', { ...workspaces, applications: [{ value: 'Slack', at: here }] }],
    ];
    assert.deepEqual([isConcrete(connect), isConcrete(workspaces)], [true, true]);
    for (const [what, intent] of variants) assert.equal(isConcrete(intent), false, what);
  });

  it('prune: true on a workspaceId another document names is still an ownership conflict, names or not', () => {
    const pruning = edit(CONNECT, [ARNS, '  users: [jdoe]\n'], ['prune: false', 'prune: true']);
    const other = edit(CONNECT, ['support-floor', 'floor-extras']);
    const result = loadDesiredStateFromText([{ file: 'a.yaml', text: pruning }, { file: 'b.yaml', text: other }]);
    assert.deepEqual(
      result.errors.map((p) => `${p.file}:${p.line}:${p.col}`),
      ['a.yaml:10:10'],
    );
    assert.match(result.errors[0].message, /ownership conflict/);
  });
});
