/** The cases of ../problems-spec.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { agentArn, ARNS, CONNECT, edit, INSTANCE, OTHER_INSTANCE, profileArn, WORKSPACES, type ProblemCase } from '../fixtures.js';

export const cases: ProblemCase[] = [
  // spec: shape and types
  {
    reason: 'unknown spec field, with a suggestion',
    files: edit(CONNECT, ['  prune: false', '  prunne: false']),
    errors: [['a.yaml', 12, 3, "spec: unknown field 'prunne' (did you mean 'prune'?)"]],
  },
  {
    reason: 'a field of the other kind',
    files: edit(WORKSPACES, ['  prune: false', '  resourceArns: []']),
    errors: [['a.yaml', 11, 3, "spec: unknown field 'resourceArns' (that field belongs to kind ConnectWorkspaceAssociations)"]],
  },
  {
    reason: 'a field name that is not a string',
    files: edit(CONNECT, ['  prune: false', '  1: false']),
    errors: [['a.yaml', 12, 3, 'spec: field name must be a string, got a number (1)']],
  },
  {
    reason: 'missing spec fields, at the spec key',
    files: edit(CONNECT, [`  instanceId: ${INSTANCE}\n`, ''], ['  workspaceId: 9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff\n', '']),
    errors: [['a.yaml', 5, 1, "spec: missing required fields 'instanceId', 'workspaceId'"]],
  },
  {
    reason: 'spec with no value, at the spec key',
    files: CONNECT.split('\n').slice(0, 5).join('\n') + '\n',
    errors: [['a.yaml', 5, 1, 'spec: must be a mapping, got null']],
  },
  {
    reason: 'prune as the string "true"',
    files: edit(CONNECT, ['  prune: false', '  prune: "true"']),
    errors: [['a.yaml', 12, 10, 'spec.prune: must be a boolean (true or false), got a string "true"; remove the quotes']],
  },
  {
    reason: 'prune as yes (a string in YAML 1.2)',
    files: edit(CONNECT, ['  prune: false', '  prune: yes']),
    errors: [['a.yaml', 12, 10, 'spec.prune: must be a boolean (true or false), got a string "yes"']],
  },
  {
    reason: 'a workspaceId written as a number',
    files: edit(CONNECT, ['  workspaceId: 9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff', '  workspaceId: 12345']),
    errors: [['a.yaml', 8, 16, 'spec.workspaceId: must be a string, got a number (12345); quote it: "12345"']],
  },
  {
    reason: 'an instanceId that YAML reads as a number',
    files: edit(CONNECT, [`  instanceId: ${INSTANCE}`, '  instanceId: 1e3']),
    errors: [['a.yaml', 7, 15, 'spec.instanceId: must be a string, got a number (1e3); quote it: "1e3"']],
  },
  {
    reason: 'instanceId longer than 100 characters',
    files: edit(CONNECT, [`  instanceId: ${INSTANCE}`, `  instanceId: ${'i'.repeat(101)}`]),
    errors: [['a.yaml', 7, 15, 'spec.instanceId: is 101 characters long; at most 100']],
  },
  {
    reason: 'an empty workspaceId',
    files: edit(CONNECT, ['  workspaceId: 9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff', '  workspaceId: ""']),
    errors: [['a.yaml', 8, 16, 'spec.workspaceId: must not be empty']],
  },
  {
    reason: 'resourceArns as a string',
    files: edit(CONNECT, [ARNS, `  resourceArns: ${agentArn(1)}\n`]),
    errors: [['a.yaml', 9, 17, 'spec.resourceArns: must be a sequence (a YAML list), got a string']],
  },
  {
    reason: 'a list item that is a number',
    files: edit(WORKSPACES, ['    - wsa-chrome0001', '    - 42']),
    errors: [['a.yaml', 10, 7, 'spec.applicationIds[1]: must be a string, got a number (42)']],
  },
  {
    reason: 'invalid region',
    files: edit(CONNECT, ['  region: us-east-1', '  region: us-east']),
    errors: [['a.yaml', 6, 11, "spec.region: 'us-east' is not a valid AWS region"]],
  },
  // Connect ARNs
  {
    reason: 'a malformed ARN',
    files: edit(CONNECT, [`    - ${agentArn(1)}`, '    - not-an-arn']),
    errors: [['a.yaml', 10, 7, 'spec.resourceArns[0]: not a Connect user or routing-profile ARN: not an ARN']],
  },
  {
    reason: 'a queue ARN',
    files: edit(CONNECT, [`    - ${agentArn(1)}`, `    - arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/queue/q-1`]),
    errors: [['a.yaml', 10, 7, 'this is a queue ARN; only users (…/agent/…) and routing profiles (…/routing-profile/…) can be associated']],
  },
  {
    reason: 'an ARN with an uppercase id (AWS compares exactly: it would name another, unknown user)',
    files: edit(CONNECT, [`    - ${agentArn(1)}`, `    - ${agentArn(1).replace(/agent\/(.*)$/, (_m, id: string) => `agent/${id.toUpperCase()}`)}`]),
    errors: [['a.yaml', 10, 7, 'Amazon Connect ids are lowercase, and AWS compares ARNs exactly']],
  },
  {
    reason: 'a user ARN written with /user/',
    files: edit(CONNECT, [`    - ${agentArn(1)}`, `    - arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/user/u-1`]),
    errors: [['a.yaml', 10, 7, "user ARNs use 'agent'"]],
  },
  {
    reason: 'an ARN of another service',
    files: edit(CONNECT, [`    - ${profileArn(1)}`, '    - arn:aws:s3:::my-bucket']),
    errors: [['a.yaml', 11, 7, "spec.resourceArns[1]: not a Connect user or routing-profile ARN: ARN of service 's3'"]],
  },
  {
    reason: "another instance's ARN, naming both instances",
    files: edit(CONNECT, [`    - ${agentArn(1)}`, `    - ${agentArn(1, 'us-east-1', OTHER_INSTANCE)}`]),
    errors: [['a.yaml', 10, 7, `ARN belongs to instance ${OTHER_INSTANCE}, not to spec.instanceId ${INSTANCE}`]],
  },
  {
    reason: 'an ARN in another region than spec.region',
    files: edit(CONNECT, [`    - ${agentArn(1)}`, `    - ${agentArn(1, 'eu-west-2')}`]),
    errors: [['a.yaml', 10, 7, "ARN is in region eu-west-2 but the document's region is us-east-1 (from spec.region)"]],
  },
  {
    reason: 'ARNs in another region than the default region',
    files: edit(CONNECT, ['  region: us-east-1\n', '']),
    options: { defaultRegion: 'eu-west-2' },
    errors: [
      ['a.yaml', 9, 7, "ARN is in region us-east-1 but the document's region is eu-west-2 (from the default region)"],
      ['a.yaml', 10, 7, "spec.resourceArns[1]: ARN is in region us-east-1 but the document's region is eu-west-2"],
    ],
  },
  {
    reason: 'an ARN whose partition does not match its region',
    files: edit(CONNECT, [`    - ${agentArn(1)}`, `    - ${agentArn(1).replace('arn:aws:', 'arn:aws-cn:')}`]),
    errors: [['a.yaml', 10, 7, 'region us-east-1 is not in partition aws-cn']],
  },
  {
    reason: 'ARNs of one instance in two accounts',
    files: edit(CONNECT, [`    - ${profileArn(1)}`, `    - ${profileArn(1).replace('123456789012', '210987654321')}`]),
    errors: [['a.yaml', 11, 7, 'ARN is in account 210987654321 but spec.resourceArns[0] is in account 123456789012']],
  },
  // WorkSpaces ids
  {
    reason: 'an invalid WorkSpace id',
    files: edit(WORKSPACES, ['ws-eng0000002]', 'ws-ENG2]']),
    errors: [['a.yaml', 7, 33, "spec.workspaceIds[1]: 'ws-ENG2' is not a WorkSpace id"]],
  },
  {
    reason: 'an application id among the WorkSpace ids',
    files: edit(WORKSPACES, ['ws-eng0000002]', 'wsa-vscode0001]']),
    errors: [['a.yaml', 7, 33, 'that is an application id, which belongs in applicationIds']],
  },
  {
    reason: 'an invalid application id',
    files: edit(WORKSPACES, ['    - wsa-chrome0001', '    - wsa-chrome']),
    errors: [['a.yaml', 10, 7, "spec.applicationIds[1]: 'wsa-chrome' is not an application id"]],
  },
  {
    reason: 'no WorkSpace ids',
    files: edit(WORKSPACES, ['[ws-eng0000001, ws-eng0000002]', '[]']),
    errors: [['a.yaml', 7, 17, 'spec.workspaceIds: must list at least one WorkSpace id']],
  },
  // Across documents and files
  {
    reason: 'a duplicate name in another file names both places',
    files: { 'a.yaml': CONNECT, 'b.yaml': edit(CONNECT, ['9d2f6c1a', '3e8a7b6c']), 'c.yaml': edit(WORKSPACES, ['engineering-desktops', 'support-floor']) },
    errors: [['b.yaml', 4, 9, "duplicate ConnectWorkspaceAssociations name 'support-floor' (also defined at a.yaml:4:9)"]],
  },
  {
    reason: 'prune: true on a target another file also names: one error naming both documents',
    files: { 'a.yaml': edit(CONNECT, ['prune: false', 'prune: true']), 'b.yaml': edit(CONNECT, ['support-floor', 'floor-extras']) },
    errors: [
      [
        'a.yaml',
        12,
        10,
        `ownership conflict: prune: true claims exclusive ownership of target connect/us-east-1/${INSTANCE}/9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff, but other documents name it too; documents involved: ConnectWorkspaceAssociations 'support-floor' (a.yaml:4:9), ConnectWorkspaceAssociations 'floor-extras' (b.yaml:4:9)`,
      ],
    ],
  },
  {
    reason: 'two documents both pruning one WorkSpace: an error at each prune',
    files: {
      'a.yaml': edit(WORKSPACES, ['prune: false', 'prune: true']),
      'b.yaml': edit(WORKSPACES, ['engineering-desktops', 'eng-extras'], ['ws-eng0000001, ', ''], ['prune: false', 'prune: true']),
    },
    errors: [
      ['a.yaml', 11, 10, "target workspaces/us-east-1/ws-eng0000002, but other documents name it too; documents involved: WorkSpaceApplications 'engineering-desktops' (a.yaml:4:9), WorkSpaceApplications 'eng-extras' (b.yaml:4:9)"],
      ['b.yaml', 11, 10, "target workspaces/us-east-1/ws-eng0000002, but other documents name it too"],
    ],
  },
  {
    reason: 'problems of several files, all reported in one run, in file order',
    files: {
      'z.yaml': edit(CONNECT, ['  prune: false', '  prunne: false']),
      'b.yaml': edit(WORKSPACES, ['ws-eng0000002]', 'ws-2]']),
      'c.yaml': 'apiVersion: [\n',
    },
    errors: [
      ['z.yaml', 12, 3, "unknown field 'prunne'"],
      ['b.yaml', 7, 33, "'ws-2' is not a WorkSpace id"],
      ['c.yaml', 2, 1, 'YAML syntax error'],
    ],
  },
];
