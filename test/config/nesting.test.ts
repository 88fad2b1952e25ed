/** Deep nesting is reported as what it is, never as "Maximum call stack size exceeded". */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText } from '../../src/config/index.js';
import { CONNECT, runProblemCases } from './fixtures.js';

const TOO_DEEP = 'nesting deeper than 100 levels is not supported';

function errorsOf(text: string): string[] {
  return loadDesiredStateFromText([{ file: 'a.yaml', text }]).errors.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`);
}

describe('config: nesting depth', () => {
  runProblemCases([
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
  ]);

  it('100 levels are still read (and fail only as not being a desired-state document)', () => {
    const errors = errorsOf(`${'['.repeat(100)}${']'.repeat(100)}\n`);
    assert.equal(errors.length, 1);
    assert.ok(!errors[0].includes('nesting'), errors[0]);
    assert.ok(errorsOf(`${'['.repeat(102)}${']'.repeat(102)}\n`)[0].endsWith(TOO_DEEP));
    assert.ok(errorsOf(`${'{a: '.repeat(101)}1${'}'.repeat(101)}\n`)[0].endsWith(TOO_DEEP));
  });

  it('never reports a stack overflow, whatever the shape', () => {
    for (const text of ['['.repeat(50_000), '{'.repeat(50_000), `a:\n${'  - '.repeat(1)}${'['.repeat(20_000)}`]) {
      const errors = errorsOf(text);
      assert.ok(errors.length > 0);
      assert.ok(errors.every((e) => !/call stack/i.test(e)), errors.join('\n'));
    }
  });
});
