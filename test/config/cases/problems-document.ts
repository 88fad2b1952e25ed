/** The cases of ../problems-document.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { agentArn, ARNS, CONNECT, edit, profileArn, WORKSPACES, type ProblemCase } from '../fixtures.js';

const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  '',
].join('\n');

export const cases: ProblemCase[] = [
  // YAML itself
  {
    reason: 'YAML syntax error',
    files: edit(CONNECT, ['  region: us-east-1', '  region: us-east-1: x']),
    errors: [['a.yaml', 6, 11, 'YAML syntax error: Nested mappings are not allowed in compact mappings']],
  },
  {
    reason: 'duplicate key',
    files: edit(CONNECT, ['  prune: false', '  prune: false\n  prune: true']),
    errors: [['a.yaml', 13, 3, "duplicate key 'prune'"]],
  },
  {
    reason: 'an alias without its anchor',
    files: edit(CONNECT, ['  prune: false', '  prune: *p']),
    errors: [['a.yaml', 12, 10, "unknown alias '*p'"]],
  },
  {
    reason: 'an alias bomb is refused at the first alias',
    files: ALIAS_BOMB,
    errors: [['a.yaml', 2, 8, 'too many alias expansions (limit 100)']],
  },
  // Documents and top-level fields
  {
    reason: 'a document that is a sequence',
    files: '- apiVersion: workspace-reconciler/v1\n- kind: WorkSpaceApplications\n',
    errors: [['a.yaml', 1, 1, 'document must be a mapping with apiVersion, kind, metadata and spec, got a sequence']],
  },
  {
    reason: 'a document that is plain text',
    files: 'just some notes\nabout the desktops\n',
    errors: [['a.yaml', 1, 1, 'got a string "just some notes about the desktops"; is this a desired-state file?']],
  },
  {
    reason: 'unknown top-level field, with a suggestion, and the field it misspells missing',
    files: edit(CONNECT, ['kind: Connect', 'kinds: Connect']),
    errors: [
      ['a.yaml', 1, 1, "missing required field 'kind'"],
      ['a.yaml', 2, 1, "unknown field 'kinds' (did you mean 'kind'?)"],
    ],
  },
  {
    reason: 'a spec field at the top level says where it belongs',
    files: edit(CONNECT, ['spec:\n', 'region: us-east-1\nspec:\n']),
    errors: [['a.yaml', 5, 1, "unknown field 'region' (it belongs under 'spec')"]],
  },
  {
    reason: 'a YAML merge key is an unknown field, with a hint',
    files: edit(CONNECT, ['  name: support-floor', '  name: support-floor\n  <<: {labels: {team: support}}']),
    errors: [['a.yaml', 5, 3, "metadata: unknown field '<<' (YAML merge keys are not supported; write the fields out)"]],
  },
  {
    reason: 'a document with none of the required fields',
    files: 'foo: bar\n',
    errors: [
      ['a.yaml', 1, 1, "unknown field 'foo'"],
      ['a.yaml', 1, 1, "missing required fields 'apiVersion', 'kind', 'metadata', 'spec'"],
    ],
  },
  {
    reason: 'missing apiVersion, at the document start',
    files: edit(CONNECT, ['apiVersion: workspace-reconciler/v1\n', '']),
    errors: [['a.yaml', 1, 1, "missing required field 'apiVersion'"]],
  },
  {
    reason: 'missing spec',
    files: CONNECT.split('\n').slice(0, 4).join('\n') + '\n',
    errors: [['a.yaml', 1, 1, "missing required field 'spec'"]],
  },
  {
    reason: 'wrong apiVersion',
    files: edit(CONNECT, ['reconciler/v1', 'reconciler/v1beta1']),
    errors: [['a.yaml', 1, 13, "apiVersion: must be 'workspace-reconciler/v1', got \"workspace-reconciler/v1beta1\""]],
  },
  {
    reason: 'unknown kind',
    files: edit(CONNECT, ['kind: ConnectWorkspaceAssociations', 'kind: Deployment']),
    errors: [['a.yaml', 2, 7, 'unknown kind "Deployment" (expected ConnectWorkspaceAssociations, WorkSpaceApplications or Account)']],
  },
  {
    reason: 'kind in the wrong case gets a suggestion',
    files: edit(WORKSPACES, ['kind: WorkSpaceApplications', 'kind: WorkspaceApplications']),
    errors: [['a.yaml', 2, 7, "did you mean 'WorkSpaceApplications'?"]],
  },
  {
    reason: 'kind that is not a string',
    files: edit(CONNECT, ['kind: ConnectWorkspaceAssociations', 'kind: [ConnectWorkspaceAssociations]']),
    errors: [['a.yaml', 2, 7, 'kind: must be a string, got a sequence']],
  },
  // metadata
  {
    reason: 'unknown metadata field, with a suggestion',
    files: edit(CONNECT, ['  name: support-floor', '  name: support-floor\n  lables: {team: support}']),
    errors: [['a.yaml', 5, 3, "metadata: unknown field 'lables' (did you mean 'labels'?)"]],
  },
  {
    reason: 'missing metadata.name, at the metadata key',
    files: edit(CONNECT, ['  name: support-floor', '  labels: {team: support}']),
    errors: [['a.yaml', 3, 1, "metadata: missing required field 'name'"]],
  },
  {
    reason: 'metadata that is not a mapping',
    files: edit(CONNECT, ['metadata:\n  name: support-floor', 'metadata: support-floor']),
    errors: [['a.yaml', 3, 11, 'metadata: must be a mapping, got a string "support-floor"']],
  },
  {
    reason: 'invalid name',
    files: edit(CONNECT, ['name: support-floor', 'name: Support_Floor']),
    errors: [['a.yaml', 4, 9, 'metadata.name: "Support_Floor" is not a valid name']],
  },
  {
    reason: 'name longer than 253 characters',
    files: edit(CONNECT, ['name: support-floor', `name: ${'a'.repeat(254)}`]),
    errors: [['a.yaml', 4, 9, 'metadata.name: is 254 characters long; at most 253']],
  },
  {
    reason: 'a label value that is not a string',
    files: edit(CONNECT, ['  name: support-floor', '  name: support-floor\n  labels: {team: support, tier: 1}']),
    errors: [['a.yaml', 5, 33, 'metadata.labels.tier: must be a string, got a number (1); quote it']],
  },
  {
    reason: 'labels that are a list',
    files: edit(CONNECT, ['  name: support-floor', '  name: support-floor\n  labels: [support]']),
    errors: [['a.yaml', 5, 11, 'metadata.labels: must be a mapping, got a sequence']],
  },
  // Files as a whole
  {
    reason: 'a binary file',
    files: 'apiVersion: \u0000\u0001\u0002',
    errors: [['a.yaml', 1, 1, 'binary file (it contains NUL bytes), not YAML']],
  },
  {
    reason: 'a file over maxFileBytes',
    files: CONNECT,
    options: { maxFileBytes: 100 },
    errors: [['a.yaml', 1, 1, `file is ${Buffer.byteLength(CONNECT)} bytes; files over 100 bytes are refused`]],
  },
  // Warnings
  {
    reason: 'an empty file is a warning',
    files: '',
    warnings: [['a.yaml', 1, 1, 'no YAML documents in this file']],
  },
  {
    reason: 'a file of comments only is a warning',
    files: '# nothing here yet\n',
    warnings: [['a.yaml', 1, 1, 'no YAML documents in this file']],
  },
  {
    reason: 'an empty document between --- is a warning at its ---',
    files: `${CONNECT}---\n---\n${WORKSPACES}`,
    warnings: [['a.yaml', 13, 1, 'empty document']],
  },
  {
    reason: 'duplicate list items are warnings at the repeat',
    files: {
      'a.yaml': edit(CONNECT, [`    - ${profileArn(1)}`, `    - ${agentArn(1)}`]),
      'b.yaml': edit(WORKSPACES, ['ws-eng0000002]', 'ws-eng0000001]']),
    },
    warnings: [
      ['a.yaml', 11, 7, 'spec.resourceArns[1]: duplicate of spec.resourceArns[0] (line 10); listed once'],
      ['b.yaml', 7, 33, 'spec.workspaceIds[1]: duplicate of spec.workspaceIds[0] (line 7)'],
    ],
  },
  {
    reason: 'an empty list without prune: nothing to associate',
    files: edit(CONNECT, [ARNS, '  resourceArns: []\n']),
    warnings: [['a.yaml', 9, 17, 'spec.resourceArns: empty list and prune is not true: nothing to associate']],
  },
  {
    reason: 'an unknown tag is a YAML warning',
    files: edit(CONNECT, ['  prune: false', '  prune: !mytag false']),
    errors: [['a.yaml', 12, 17, 'spec.prune: must be a boolean (true or false), got a string "false"']],
    warnings: [['a.yaml', 12, 10, 'YAML: Unresolved tag: !mytag']],
  },];
