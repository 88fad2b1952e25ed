/** `apply`'s guards: refusals exit 1 with nothing changed (empty desired state, --max-prune, invalid files, the overlap lock). */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import {
  assertNoStackTrace, cliEnv, literal, EXAMPLES, FAST, isMutating, mutatingCalls, parseJson, removeDir, ROOT, runCli, startCli, tempDir, waitFor,
} from './helpers.js';

describe('cli: apply guards', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
    await removeDir(dir);
  });
  async function world(stepDelayMs = 20): Promise<Sandbox> {
    sb = await startSandbox({ stepDelayMs, quotas: false });
    return sb;
  }
  const env = () => cliEnv(dir as string, sb);

  it('an empty directory: exit 1 without --allow-empty, exit 0 (converged, no call) with it', async () => {
    const sandbox = await world();
    const empty = join(dir as string, 'empty');
    await mkdir(empty);
    const refused = await runCli(['apply', empty, ...FAST], { env: env() });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'error: the desired state has no documents (0 files read); refusing to run without --allow-empty\n');
    assert.equal(refused.stdout, '');

    const allowed = await runCli(['apply', empty, ...FAST, '--allow-empty', '--output', 'json'], { env: env() });
    assert.equal(allowed.code, 0, allowed.stderr);
    const report = parseJson(allowed.stdout);
    assert.equal(report.converged, true);
    assert.deepEqual(report.targets, []);
    assert.equal(sandbox.calls.length, 0);
  });

  it('--max-prune 0 against a plan that removes 2: exit 1, and not one mutating call reached AWS', async () => {
    const sandbox = await world();
    const r = await runCli(['apply', ...EXAMPLES, ...FAST, '--max-prune', '0'], { env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: refusing to apply: the plan removes 2 associations, more than --max-prune 0; .* Nothing was changed\.$/m);
    assert.equal(r.stdout, '');
    assertNoStackTrace(r.stderr);
    assert.ok(sandbox.calls.length > 0, 'apply observes before it refuses');
    assert.deepEqual(mutatingCalls(sandbox.calls), []);

    // --max-prune 2 lets the same plan through.
    const ok = await runCli(['apply', ...EXAMPLES, ...FAST, '--max-prune', '2'], { env: env() });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('a 5xx blip in the first observation (all SDK attempts of one scan) is retried within --timeout, not a refusal', async () => {
    // Before: the guard's one scan failed all 3 SDK attempts and apply exited 1 after a second.
    const sandbox = await world();
    sandbox.setFaults({ scriptedErrors: [{ operation: 'SearchWorkspaceAssociations', code: 'InternalServiceException', times: 3 }] });
    const r = await runCli(['apply', 'examples/connect/supervisors.yaml', 'examples/workspaces/engineering.yaml', ...FAST, '--max-prune', '5', '--output', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(parseJson(r.stdout).converged, true);
    const scans = sandbox.calls.filter((c) => c.operation === 'SearchWorkspaceAssociations');
    assert.ok(scans.filter((c) => c.status === 500).length === 3 && scans.some((c) => c.status === 200), JSON.stringify(scans.map((c) => c.status)));
  });

  it('--max-prune cannot be checked because a prune target stays unobservable until --timeout: exit 1, nothing changed', async () => {
    // The reconciler's next scan might succeed and then remove agent20 though --max-prune is 0,
    // unless apply refuses.
    const sandbox = await world();
    sandbox.setFaults({ scriptedErrors: [{ operation: 'SearchWorkspaceAssociations', code: 'InternalServiceException' }] });
    // engineering.yaml (WorkSpaces, observable) keeps this from being "nothing can be observed".
    const r = await runCli(['apply', 'examples/connect/supervisors.yaml', 'examples/workspaces/engineering.yaml', ...FAST, '--max-prune', '0', '--timeout', '2s'], { env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /^error: refusing to apply: cannot check --max-prune, 1 target with prune: true could not be observed \(first: connect\/us-east-1\/.*: SearchWorkspaceAssociations: InternalServiceException: .*\)\. Nothing was changed\.$/m,
    );
    assertNoStackTrace(r.stderr);
    assert.deepEqual(mutatingCalls(sandbox.calls), []);
  });

  it('an invalid desired state: exit 1 with FILE:LINE:COL, and no AWS call at all', async () => {
    const sandbox = await world();
    const file = join(dir as string, 'typo.yaml');
    await writeFile(file, 'apiVersion: workspace-reconciler/v1\nkind: ConnectWorkspaceAssociations\nmetadata:\n  name: typo\nspec:\n  region: us-east-1\n  instanceId: x\n  workspaceId: y\n  resourceArns: []\n  prunne: true\n');
    const r = await runCli(['apply', file, ...FAST], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^${literal(file)}:10:3: .*unknown field 'prunne'`, 'm'));
    assert.match(r.stderr, /^error: desired state is invalid: 1 error; nothing was sent to AWS$/m);
    assertNoStackTrace(r.stderr);
    assert.equal(sandbox.calls.length, 0);
  });

  it('a look-alike character in a user ARN of a prune document: validate and apply exit 1 at its position, with no AWS call', async () => {
    // Before: a Cyrillic О passed validate, reached AWS, and with prune: true the real user was removed.
    const sandbox = await world();
    const file = join(dir as string, 'supervisors.yaml');
    const text = await readFile(join(ROOT, 'test/fixtures/demo-by-id/connect/supervisors.yaml'), 'utf8');
    const real = text.match(/arn:aws:connect:\S+\/agent\/\S+/)![0];
    const fake = real.slice(0, -1) + '\u041e';
    await writeFile(file, text.replace(real, fake));
    for (const cmd of ['validate', 'apply']) {
      const r = await runCli([cmd, file, ...(cmd === 'apply' ? FAST : [])], { env: env() });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^${literal(file)}:\\d+:\\d+: .*U\\+041E CYRILLIC CAPITAL LETTER O`, 'm'));
    }
    assert.equal(sandbox.calls.length, 0);
  });

  it('the overlap lock: a second apply on the same paths, however they are spelled, exits 1 while the first runs; SIGINT stops the first', async () => {
    // Deployments take a minute, so the first apply is still waiting on them when the second starts.
    const sandbox = await world(60_000);
    const first = await startCli(['apply', ...EXAMPLES, ...FAST, '--timeout', '20s'], { env: env() });
    await waitFor('the first apply to change something', () => sandbox.calls.some(isMutating));

    // The same two directories spelt differently (the lock is keyed on their real paths in the work tree).
    const sameTargets = [join(ROOT, 'examples', 'connect'), './examples/workspaces/', 'examples/connect/../workspaces'];
    const second = await runCli(['apply', ...sameTargets, ...FAST], { env: env() });
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.match(second.stderr, new RegExp(`^error: another workspace-reconciler apply or run is working on this desired state \\(pid ${first.child.pid}, started .*; lock file ${literal(dir as string)}/workspace-reconciler-[0-9a-f]{16}\\.lock\\)$`, 'm'));
    assert.equal(second.stdout, '');
    assert.equal(first.child.exitCode, null, 'the first apply is still running');

    first.child.kill('SIGINT');
    const r = await first.done;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^Apply interrupted after /m);
    assertNoStackTrace(r.stderr);
    // The lock is released on the way out.
    assert.deepEqual((await readdir(dir as string)).filter((f) => f.includes('.lock')), []);
  });
});
