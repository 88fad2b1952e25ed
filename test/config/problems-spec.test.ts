/**
 * Bad input in spec (types, ids, ARNs) and across documents (names, ownership). Each case lists
 * every problem it must produce: file, line, column, message fragment.
 */
import { runProblemCases } from './fixtures.js';
import { cases } from './cases/problems-spec.js';

describe('config: problems in spec and across documents', () => {
  runProblemCases(cases);
});
