/** The cases of ../columns.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { agentArn, CONNECT, edit, WORKSPACES, type ProblemCase } from '../fixtures.js';

const ARN = agentArn(1);

export const cases: ProblemCase[] = [
  {
    reason: "single quotes: each '' before the character counts as two columns",
    files: edit(WORKSPACES, ['    - wsa-chrome0001', "    - 'w''sa\u200b-chrome0001'"]),
    // '    - ' is 6 columns, the quote 1, w''sa 5: the character is at column 13.
    errors: [['a.yaml', 10, 13, 'U+200B ZERO WIDTH SPACE at character 5']],
  },
  {
    reason: 'an alias: at the alias, not at a column of the anchored text',
    files: edit(WORKSPACES, ['  name: engineering-desktops', '  name: engineering-desktops\n  labels: {a: &x wsa-chr\u200bome0001}'], ['    - wsa-chrome0001', '    - *x']),
    errors: [['a.yaml', 11, 7, 'U+200B ZERO WIDTH SPACE']],
  },
  {
    reason: 'a plain scalar folded over two lines: at the scalar',
    files: edit(CONNECT, [`    - ${ARN}`, `    - ${ARN.slice(0, 20)}\n      ${ARN.slice(20, 30)}\u200b${ARN.slice(30)}`]),
    errors: [['a.yaml', 10, 7, 'U+200B ZERO WIDTH SPACE']],
  },
];
