/** Usage: --help of every command, and bad usage answered with one line and exit 1. */
import assert from 'node:assert/strict';
import { assertNoStackTrace, cliEnv, removeDir, runCli, tempDir } from './helpers.js';

describe('cli: usage', () => {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });
  const env = () => cliEnv(dir as string);

  const help = [
    { reason: 'the program lists its commands', args: ['--help'], lists: ['validate', 'plan', 'apply', 'run', 'sandbox', 'schema'] },
    { reason: 'validate lists its options', args: ['validate', '--help'], lists: ['<path...>', '--region <region>', '--output <format>', '--allow-empty'] },
    {
      reason: 'plan lists its options',
      args: ['plan', '--help'],
      lists: ['<path...>', '--detailed-exitcode', '--out <file>', '--region <region>', '--output <format>', '--allow-empty', '--max-prune <n>', '--connect-rate <rps>', '--workspaces-burst <n>'],
    },
    {
      reason: 'apply lists its options',
      args: ['apply', '--help'],
      // [path...]: with --plan FILE the plan names its files.
      lists: ['[path...]', '--plan <file>', '--max-plan-age <duration>', '--timeout <duration>', '--poll-interval <duration>', '--no-progress', '--output <format>', '--allow-empty', '--max-prune <n>', '--connect-rate <rps>'],
    },
    {
      reason: 'sandbox lists its options',
      args: ['sandbox', '--help'],
      lists: ['--seed <file>', '--port <n>', '--host <host>', '--no-quotas', '--step-delay <ms>', '--fault-file <file>', '--log-calls'],
    },
  ];
  for (const tc of help) {
    it(`--help: ${tc.reason}, exit 0`, async () => {
      const r = await runCli(tc.args, { env: env() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: workspace-reconciler/);
      for (const option of tc.lists) assert.ok(r.stdout.includes(option), `--help does not list ${option}:\n${r.stdout}`);
      assert.equal(r.stderr, '');
    });
  }

  const bad = [
    { reason: 'an unknown option of validate', args: ['validate', '--bogus', 'examples'], error: "error: unknown option '--bogus'" },
    { reason: 'a --timeout of 0', args: ['apply', '--timeout', '0', 'examples'], error: "error: option '--timeout <duration>' argument '0' is invalid. expected a duration > 0 such as 30s or 10m, got '0'" },
    { reason: 'a --poll-interval below 10ms', args: ['apply', '--poll-interval', '1ms', 'examples'], error: "error: option '--poll-interval <duration>' argument '1ms' is invalid. expected a duration of at least 10ms, got '1ms'" },
    { reason: 'validate does not log, so it has no --log-level', args: ['validate', '--log-level', 'debug', 'examples'], error: "error: unknown option '--log-level'" },
    { reason: 'an unknown option of plan', args: ['plan', '--bogus', 'examples'], error: "error: unknown option '--bogus'" },
    { reason: 'an --operation-limit that is not OP=RATE[:BURST]', args: ['plan', '--operation-limit', 'ListUsers:10', 'examples'], error: "error: option '--operation-limit <op=rate[:burst]>' argument 'ListUsers:10' is invalid. expected OPERATION=RATE[:BURST] such as ListUsers=10:10, got 'ListUsers:10'" },
    { reason: 'an --operation-limit with a rate of 0', args: ['apply', '--operation-limit', 'ListUsers=0', 'examples'], error: "error: option '--operation-limit <op=rate[:burst]>' argument 'ListUsers=0' is invalid. expected a number > 0, got '0'" },
    { reason: 'an unknown option of apply', args: ['apply', '--prunne', 'examples'], error: "error: unknown option '--prunne'" },
    { reason: 'an unknown command', args: ['destroy', 'examples'], error: "error: unknown command 'destroy'" },
    { reason: 'a missing path', args: ['plan'], error: "error: missing required argument 'path'" },
    { reason: 'an --output that is not text or json', args: ['validate', '--output', 'yaml', 'examples'], error: "error: option '--output <format>' argument 'yaml' is invalid. expected text or json, got 'yaml'" },
    { reason: 'a --timeout that is not a duration', args: ['apply', '--timeout', 'soon', 'examples'], error: "error: option '--timeout <duration>' argument 'soon' is invalid. expected a duration such as 30s, 5m or 1h, got 'soon'" },
    { reason: 'a negative --max-prune', args: ['apply', '--max-prune', '-1', 'examples'], error: "error: option '--max-prune <n>' argument '-1' is invalid. expected a whole number >= 0, got '-1'" },
    { reason: 'a --region that is not a region', args: ['plan', '--region', 'moon', 'examples'], error: "error: option '--region <region>' argument 'moon' is invalid. expected an AWS region such as us-east-1, got 'moon'" },
    { reason: 'a --log-level that is not a level', args: ['apply', '--log-level', 'loud', 'examples'], error: "error: option '--log-level <level>' argument 'loud' is invalid. Allowed choices are trace, debug, info, warn, error, fatal, silent." },
  ];
  for (const tc of bad) {
    it(`exit 1 with one error line for ${tc.reason}`, async () => {
      const r = await runCli(tc.args, { env: env() });
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines[0], tc.error);
      // The only other line is the hint; never the whole usage text.
      assert.deepEqual(lines.slice(1), ['(run with --help for usage)']);
      assert.equal(r.stdout, '');
      assertNoStackTrace(r.stderr);
    });
  }
});
