/** Interrupting `apply` (SIGINT): calls in flight finish, exit 1, the report says so; the next apply completes the job. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { assertConverged } from './demo-world.js';
import { assertNoStackTrace, EXAMPLES, FAST, isMutating, parseJson, runCli, startCli, waitFor, perTest } from './helpers.js';

describe('cli: interrupting apply', () => {
  const t = perTest({ sandbox: {} });

  // Observation stays fast; each mutating operation waits a second between calls.
  const ONE_MUTATION_A_SECOND = ['AssociateWorkspace', 'DisassociateWorkspace', 'AssociateWorkspaceApplication', 'DisassociateWorkspaceApplication', 'DeployWorkspaceApplications'].flatMap((op) => ['--operation-limit', `${op}=1:1`]);
  const cases = [
    { reason: 'text report', output: 'text' },
    { reason: 'JSON report', output: 'json' },
  ] as const;
  for (const tc of cases) {
    it(`SIGINT after the first change: exit 1, ${tc.reason} says interrupted; apply again converges to exactly the desired state`, async () => {
      const sandbox = t.sb;
      // Every call takes 150 ms, so the signal lands with calls in flight; the mutating operations
      // start one call a second, so most of the work is undone however slow the machine.
      sandbox.setFaults({ latencyMs: 150 });
      const first = await startCli(['apply', ...EXAMPLES, ...FAST, ...ONE_MUTATION_A_SECOND, '--output', tc.output], { env: t.env() });
      await waitFor('the first mutating call', () => sandbox.calls.some(isMutating), { intervalMs: 2 });
      first.child.kill('SIGINT');
      const r = await first.done;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /^interrupted: finishing calls in flight, starting no new ones \(again to exit now\)$/m);
      assertNoStackTrace(r.stderr);
      if (tc.output === 'json') {
        const report = parseJson(r.stdout);
        assert.equal(report.interrupted, true);
        assert.equal(report.converged, false);
        assert.ok(report.targets.some((t: { status: string }) => t.status !== 'converged'), 'the interrupt left work undone');
      } else {
        assert.match(r.stdout, /^Apply interrupted after \d+\.\ds: not everything was attempted; run apply again to continue\.$/m);
      }
      assert.deepEqual((await readdir(t.dir)).filter((f) => f.includes('.lock')), [], 'the lock is released');

      sandbox.setFaults({ latencyMs: 0 });
      const again = await runCli(['apply', ...EXAMPLES, ...FAST, '--output', 'json'], { env: t.env() });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.equal(parseJson(again.stdout).converged, true);
      assertConverged(sandbox);
    });
  }

  // The contract the interrupt message states ("finishing calls in flight") and DESIGN.md's report
  // ("the same summary of what was done, and every failed item with its AWS error code"): a call
  // in flight when the signal comes completes and is counted; an interruption is not an AWS failure.
  it('SIGINT with calls in flight: they finish and count as done, none is reported as a failure', async () => {
    const sandbox = t.sb;
    sandbox.setFaults({ latencyMs: 150 });
    const first = await startCli(['apply', ...EXAMPLES, ...FAST, ...ONE_MUTATION_A_SECOND, '--output', 'json'], { env: t.env() });
    await waitFor('the first mutating call', () => sandbox.calls.some(isMutating), { intervalMs: 2 });
    first.child.kill('SIGINT');
    const r = await first.done;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    // Calls the interrupt kept from starting may be listed as not attempted (retryable), never as terminal.
    const failures = report.failures as { operation: string; code: string; terminal: boolean }[];
    assert.deepEqual(failures.filter((f) => f.terminal || f.code === 'AbortError').map((f) => `${f.operation} ${f.code}`), []);
    // …and calls it kept from starting are counted apart, not listed as failures.
    assert.deepEqual(failures.filter((f) => f.code === 'Aborted'), []);
    assert.equal(typeof report.summary.notStarted, 'number');

    sandbox.setFaults({ latencyMs: 0 });
    const again = await runCli(['apply', ...EXAMPLES, ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const second = parseJson(again.stdout);
    // What the interrupted report says it did plus what the second run did is exactly the plan.
    assert.equal(report.summary.associate + second.summary.associate, 40);
    assert.equal(report.summary.disassociate + second.summary.disassociate, 2);
  });
});
