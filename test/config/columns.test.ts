/**
 * The column of a bad character inside a scalar: exact where the scalar is written on one line
 * (plain, or single-quoted with its '' escapes counted), the scalar itself where the column
 * cannot be known (an alias, whose value is written elsewhere; a value folded over lines).
 */
import { runProblemCases } from './fixtures.js';
import { cases } from './cases/columns.js';

describe('config: columns of characters inside scalars', () => runProblemCases(cases));
