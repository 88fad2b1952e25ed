/**
 * ConnectWorkspaceAssociations with names and a userSelector: exactly one of workspaceId /
 * workspaceName, at least one of resourceArns / users / routingProfiles / userSelector, the
 * API's lengths, names free of invisible characters, selectors that select on something.
 * Each case lists every problem it must produce: file, line, column, message fragment.
 */
import { runProblemCases } from './fixtures.js';
import { cases } from './cases/names-connect.js';

describe('config: Connect names and userSelector', () => {
  runProblemCases(cases);
});
