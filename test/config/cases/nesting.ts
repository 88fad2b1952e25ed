/** The cases of ../nesting.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { CONNECT, type ProblemCase } from '../fixtures.js';

export const TOO_DEEP = 'nesting deeper than 100 levels is not supported';

export const cases: ProblemCase[] = [
  {
    reason: '10000 nested [ is refused just past the 100th level, with no other error',
    files: '['.repeat(10_000),
    errors: [['a.yaml', 1, 102, TOO_DEEP]],
  },
  {
    reason: '10000 nested flow sequences as a field value, closed',
    files: `${CONNECT}x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    errors: [['a.yaml', 13, 104, TOO_DEEP]],
  },
  {
    reason: '10000 nested flow mappings',
    files: `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
    errors: [['a.yaml', 1, 405, TOO_DEEP]],
  },
  {
    reason: '3000 nested block sequences',
    files: Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}- `).join('\n') + 'x\n',
    errors: [['a.yaml', 102, 102, TOO_DEEP]],
  },
];
