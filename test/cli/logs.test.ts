/** Logs go to stderr as JSON lines by default, readable lines with --log-format pretty; stdout stays results only. */
import assert from 'node:assert/strict';
import { EXAMPLES, parseJson, runCli, perTest } from './helpers.js';

describe('cli: log formats', () => {
  const t = perTest({ sandbox: {} });

  it('json (default): every stderr log line is a JSON object with level, time and a fixed msg', async () => {
    const r = await runCli(['plan', ...EXAMPLES, '--log-level', 'debug', '--output', 'json'], { env: t.env() });
    assert.equal(r.code, 0, r.stderr);
    parseJson(r.stdout);
    const logs = r.stderr.split('\n').filter((l) => l.startsWith('{'));
    // One line per AWS call. The look-ups of the names: per Connect instance (2) a ListWorkspaces,
    // ListUsers and ListRoutingProfiles; a SearchUsers per userSelector (2); one
    // DescribeApplications; a DescribeWorkspaces per directory (2) and a DescribeTags per
    // WorkSpace of the tag selector's directory (3). Then observation: a scan per Connect
    // instance (2); for the WorkSpaces (prune ones among them) the catalogue is read on a guess of
    // its size (1), which shows the catalogue view (6 applications + 1 WorkSpace read on its own)
    // no cheaper than a describe per WorkSpace (7), so those are made.
    assert.equal(logs.length, 2 * 3 + 2 + 1 + 2 + 3 + 2 + (1 + 7), r.stderr);
    for (const l of logs) {
      const o = JSON.parse(l) as { level: number; time: number; msg: string; operation?: string };
      assert.equal(o.msg, 'AWS call');
      assert.equal(typeof o.level, 'number');
      assert.equal(typeof o.operation, 'string');
    }
  });

  it('pretty: the same events as readable lines, not JSON, and stdout is unchanged', async () => {
    const r = await runCli(['plan', ...EXAMPLES, '--log-level', 'debug', '--log-format', 'pretty', '--output', 'json'], { env: t.env() });
    assert.equal(r.code, 0, r.stderr);
    parseJson(r.stdout);
    const lines = r.stderr.split('\n').filter((l) => l.includes('AWS call'));
    assert.equal(lines.length, 24, r.stderr);
    assert.ok(lines.every((l) => !l.startsWith('{')), 'pretty lines are not JSON');
    assert.match(lines[0], /DEBUG.*AWS call/);
  });
});
