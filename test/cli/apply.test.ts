/** `apply` against the sandbox: convergence, the report, idempotence, terminal failures, --timeout. */
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { agentArn, assertConverged } from './demo-world.js';
import { assertNoStackTrace, cliEnv, EXAMPLES, FAST, mutatingCalls, parseJson, removeDir, runCli, tempDir } from './helpers.js';

describe('cli: apply', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  /** A fresh demo world per test; without quotas unless a test asks, so runs take about a second. */
  async function world(o: SandboxOptions = {}): Promise<Sandbox> {
    sb = await startSandbox({ stepDelayMs: 20, quotas: false, ...o });
    return sb;
  }
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
    await removeDir(dir);
  });
  const env = () => cliEnv(dir as string, sb);

  it('converges the demo world with the default limits and sandbox quotas: exit 0, the report, the exact state', async () => {
    const sandbox = await world({ quotas: {} });
    const r = await runCli(['apply', ...EXAMPLES, '--poll-interval', '50ms'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^Apply complete: converged in \d+\.\ds\.$/m);
    // 8 deployments: the first one to ws-eng0000002 is scripted to fail once and is forced again.
    assert.match(r.stdout, /^ {2}associated 40 · disassociated 2 · deployed 8 · 0 still in flight · 0 failures$/m);
    assert.match(r.stderr, /^Plan: 40 to associate, 2 to disassociate, 7 deployments, /m);
    assertNoStackTrace(r.stderr);
    assertConverged(sandbox);
  });

  it('--output json: the report shape, and a second apply is a no-op without one mutating call', async () => {
    const sandbox = await world();
    // Debug logs on stderr must leave stdout one clean JSON document.
    const r = await runCli(['apply', ...EXAMPLES, ...FAST, '--output', 'json', '--log-level', 'debug'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(report.converged, true);
    assert.equal(report.interrupted, false);
    assert.equal(report.timedOut, false);
    assert.deepEqual(report.summary, { associate: 40, disassociate: 2, deploy: 8, wait: 0, failed: 0, notStarted: 0, held: 0 });
    assert.equal(report.notObserved, 0);
    assert.deepEqual(report.failures, []);
    assert.equal(report.targets.length, 11);
    assert.ok(report.targets.every((t: { status: string }) => t.status === 'converged'));
    assert.equal(report.calls.total, sandbox.calls.length);
    assert.match(r.stderr, /^\{"level":\d+,.*"msg":"apply finished"\}$/m);
    // text mode's "Plan: …" line is not printed in JSON mode.
    assert.doesNotMatch(r.stderr, /^Plan:/m);
    assertConverged(sandbox);

    sandbox.resetCalls();
    const again = await runCli(['apply', ...EXAMPLES, ...FAST, '--output', 'json'], { env: env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const second = parseJson(again.stdout);
    assert.equal(second.converged, true);
    assert.deepEqual(second.summary, { associate: 0, disassociate: 0, deploy: 0, wait: 0, failed: 0, notStarted: 0, held: 0 });
    assert.deepEqual(mutatingCalls(sandbox.calls), []);
    assert.equal(second.calls.total, sandbox.calls.length);
    assertConverged(sandbox);
  });

  it('a FailedList 404 for one ARN: exit 2, converged false, that ARN failed terminally with its code, the rest done', async () => {
    const sandbox = await world();
    sandbox.setFaults({ failedList: [{ operation: 'AssociateWorkspace', resourceArn: agentArn(12), code: '404' }] });
    const r = await runCli(['apply', 'examples/connect', ...FAST, '--output', 'json'], { env: env() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(report.converged, false);
    assert.equal(report.timedOut, false);
    assert.equal(report.summary.failed, 1);
    assert.equal(report.failures.length, 1);
    assert.deepEqual(
      { item: report.failures[0].item, operation: report.failures[0].operation, code: report.failures[0].code, terminal: report.failures[0].terminal },
      { item: agentArn(12), operation: 'AssociateWorkspace', code: '404', terminal: true },
    );
    const billing = sandbox.connectAssociations('us-east-1', '4c1b2f0e-1111-2222-3333-444455556666', '3e8a7b6c-aaaa-bbbb-cccc-111122223333');
    assert.equal(billing.length, 5);
    assert.ok(!billing.includes(agentArn(12)));
    assertNoStackTrace(r.stderr);

    // The text report names the failure too.
    const text = await runCli(['apply', 'examples/connect', ...FAST], { env: env() });
    assert.equal(text.code, 2, text.stdout + text.stderr);
    assert.match(text.stdout, /^Apply finished in \d+\.\ds but did not converge\.$/m);
    assert.ok(text.stdout.includes(`  FAILED connect/us-east-1/4c1b2f0e-1111-2222-3333-444455556666/3e8a7b6c-aaaa-bbbb-cccc-111122223333: AssociateWorkspace ${agentArn(12)}: 404: `), text.stdout);
  });

  it('a ValidationError deployment outcome: exit 2, the pair failed terminally with its code', async () => {
    const sandbox = await world();
    sandbox.setFaults({ deployOutcomes: [{ workspaceId: 'ws-eng0000003', applicationId: 'wsa-slack00001', errorCode: 'ValidationError.InsufficientDiskSpace' }] });
    const r = await runCli(['apply', 'examples/workspaces', ...FAST, '--output', 'json'], { env: env() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(report.converged, false);
    assert.equal(report.failures.length, 1, JSON.stringify(report.failures));
    assert.equal(report.failures[0].target, 'workspaces/us-east-1/ws-eng0000003');
    assert.match(report.failures[0].item, /wsa-slack00001/);
    assert.equal(report.failures[0].code, 'ValidationError.InsufficientDiskSpace');
    assert.equal(report.failures[0].terminal, true);
    const failed = report.targets.filter((t: { status: string }) => t.status !== 'converged').map((t: { key: string; status: string }) => `${t.key} ${t.status}`);
    assert.deepEqual(failed, ['workspaces/us-east-1/ws-eng0000003 failed']);
    assert.deepEqual(
      sandbox.workspaceAssociations('us-east-1', 'ws-eng0000003').map((a) => `${a.applicationId}:${a.state}`),
      ['wsa-chrome0001:COMPLETED', 'wsa-slack00001:ERROR', 'wsa-vscode0001:COMPLETED'],
    );
  });

  // The deployments take an hour, so however slow the machine, the run times out with them in
  // flight; 5 s leaves a busy machine time for the first pass (observe, associate, deploy).
  it('--timeout 5s while deployments take an hour: exit 2, timedOut true, wait counts the deployed pairs', async () => {
    const sandbox = await world({ stepDelayMs: 3_600_000 });
    const r = await runCli(['apply', 'examples/workspaces', ...FAST, '--timeout', '5s', '--output', 'json'], { env: env() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(report.timedOut, true);
    assert.equal(report.converged, false);
    assert.equal(report.interrupted, false);
    assert.ok(report.summary.wait > 0, JSON.stringify(report.summary));
    assert.ok(mutatingCalls(sandbox.calls).includes('DeployWorkspaceApplications'));

    const text = await runCli(['apply', 'examples/workspaces', ...FAST, '--timeout', '5s'], { env: env() });
    assert.equal(text.code, 2, text.stdout + text.stderr);
    assert.match(text.stdout, /^Apply timed out after \d+\.\ds: not converged\.$/m);
  });
});
