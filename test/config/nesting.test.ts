/** Deep nesting is reported as what it is, never as "Maximum call stack size exceeded". */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText } from '../../src/config/index.js';
import { runProblemCases } from './fixtures.js';
import { cases, TOO_DEEP } from './cases/nesting.js';

function errorsOf(text: string): string[] {
  return loadDesiredStateFromText([{ file: 'a.yaml', text }]).errors.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`);
}

describe('config: nesting depth', () => {
  runProblemCases(cases);

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
