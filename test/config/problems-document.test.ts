/**
 * Bad input at the level of files, YAML and documents (top-level fields, metadata), and
 * warnings. Each case lists every problem it must produce: file, line, column, message fragment.
 */
import { runProblemCases } from './fixtures.js';
import { cases } from './cases/problems-document.js';

describe('config: problems in files, YAML and documents', () => {
  runProblemCases(cases);
});
