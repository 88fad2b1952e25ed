/**
 * WorkSpaceApplications with selectors and application names: only the filter combinations
 * DescribeWorkspaces can apply, the API's id patterns and lengths, at least one way to choose
 * WorkSpaces and one to name applications. Each case lists every problem it must produce.
 */
import { runProblemCases } from './fixtures.js';
import { cases } from './cases/names-workspaces.js';

describe('config: WorkSpaces selectors and application names', () => {
  runProblemCases(cases);
});
