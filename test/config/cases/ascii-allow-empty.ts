/** The cases of ../ascii-allow-empty.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { agentArn, CONNECT, edit, INSTANCE, WORKSPACES, type ProblemCase } from '../fixtures.js';

const ARN = agentArn(1);
const PREFIX = 'arn:aws:connect:us-east-1:123456789012:instance/';

export const cases: ProblemCase[] = [
  {
    reason: 'a zero-width space inside a user ARN: at the character',
    files: edit(CONNECT, [`    - ${ARN}`, `    - ${PREFIX}\u200b${ARN.slice(PREFIX.length)}`]),
    errors: [['a.yaml', 10, 7 + PREFIX.length, 'contains U+200B ZERO WIDTH SPACE at character 49; ids and ARNs are ASCII only']],
  },
  {
    reason: 'a Cyrillic О in the user id part of an ARN',
    files: edit(CONNECT, [`    - ${ARN}`, `    - ${ARN.slice(0, -2)}\u041e1`]),
    errors: [['a.yaml', 10, 7 + ARN.length - 2, "U+041E CYRILLIC CAPITAL LETTER O (looks like 'O')"]],
  },
  {
    reason: 'a fullwidth colon in an ARN',
    files: edit(CONNECT, [`    - ${ARN}`, `    - arn\uff1a${ARN.slice(4)}`]),
    errors: [['a.yaml', 10, 10, "FULLWIDTH ':'"]],
  },
  {
    reason: 'a Cyrillic О in spec.instanceId (the ARNs are then not checked against it)',
    files: edit(CONNECT, [`  instanceId: ${INSTANCE}`, `  instanceId: ${INSTANCE.slice(0, 6)}\u041e${INSTANCE.slice(7)}`]),
    errors: [['a.yaml', 7, 21, 'spec.instanceId: the id contains U+041E']],
  },
  {
    reason: 'a BOM before a WorkSpace id in a flow list',
    files: edit(WORKSPACES, ['[ws-eng0000001,', '[\ufeffws-eng0000001,']),
    errors: [['a.yaml', 7, 18, 'U+FEFF BYTE ORDER MARK']],
  },
  {
    reason: 'a soft hyphen inside an application id',
    files: edit(WORKSPACES, ['    - wsa-vscode0001', '    - wsa\u00ad-vscode0001']),
    errors: [['a.yaml', 9, 10, 'U+00AD SOFT HYPHEN at character 4']],
  },
  {
    reason: 'an escaped zero-width space in a double-quoted ARN: at the item (the column cannot be mapped)',
    files: edit(CONNECT, [`    - ${ARN}`, `    - "${PREFIX}\\u200b${ARN.slice(PREFIX.length)}"`]),
    errors: [['a.yaml', 10, 7, 'U+200B ZERO WIDTH SPACE']],
  },
  {
    reason: 'prune: true with an empty list and no allowEmpty: a warning saying apply refuses it',
    files: edit(CONNECT, [`  resourceArns:\n    - ${ARN}\n    - ${CONNECT.split('\n')[10]!.slice(6)}\n`, '  resourceArns: []\n'], ['  prune: false', '  prune: true']),
    warnings: [['a.yaml', 9, 17, 'empty list with prune: true would remove every association of the target; apply refuses that unless the document sets allowEmpty: true']],
  },
  {
    reason: 'prune: true with an empty list and allowEmpty: true: accepted silently',
    files: edit(WORKSPACES, ['  applicationIds:\n    - wsa-vscode0001\n    - wsa-chrome0001\n', '  applicationIds: []\n'], ['  prune: false', '  prune: true\n  allowEmpty: true']),
  },
  {
    reason: 'allowEmpty must be a boolean',
    files: edit(CONNECT, ['  prune: false', '  prune: false\n  allowEmpty: "yes"']),
    errors: [['a.yaml', 13, 15, 'spec.allowEmpty: must be a boolean']],
  },
];
