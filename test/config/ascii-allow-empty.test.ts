/**
 * Ids and ARNs are ASCII (a look-alike or invisible character names nothing real, and with
 * prune: true the real resource would be removed), and allowEmpty: true is the one way to let
 * prune empty a target. Each case: the exact position of every problem.
 */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText } from '../../src/config/load.js';
import { CONNECT, edit, runProblemCases, WORKSPACES } from './fixtures.js';
import { cases } from './cases/ascii-allow-empty.js';

describe('loader: ids and ARNs are ASCII; allowEmpty', () => {
  runProblemCases(cases);

  it('allowEmpty: true reaches the target (any document of it), and its absence leaves it false', () => {
    const text = edit(WORKSPACES, ['  applicationIds:\n    - wsa-vscode0001\n    - wsa-chrome0001\n', '  applicationIds: []\n'], ['  prune: false', '  prune: true\n  allowEmpty: true']);
    const r = loadDesiredStateFromText([{ file: 'a.yaml', text }, { file: 'b.yaml', text: CONNECT }]);
    assert.deepEqual(r.errors, []);
    const byType = new Map(r.state!.targets.map((t) => [t.type, t]));
    assert.equal(byType.get('workspaces')!.allowEmpty, true);
    assert.ok(!byType.get('connect')!.allowEmpty);
  });
});
