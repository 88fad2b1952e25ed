/** examples/ (names and selectors) through the built CLI, against the demo sandbox. */
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertConverged } from './demo-world.js';
import { BY_ID, cliEnv, EXAMPLES, FAST, mutatingCalls, parseJson, removeDir, runCli, tempDir } from './helpers.js';

describe('cli: examples/ by names and selectors', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    sb = await startSandbox({ stepDelayMs: 20, quotas: false });
    dir = await tempDir();
  });
  afterEach(async () => {
    await sb?.close();
    await removeDir(dir);
  });
  const env = () => cliEnv(dir as string, sb);

  it('apply converges the demo world; then plan of the examples and of their by-id twin both have no changes, with one look-up per kind and instance', async () => {
    const applied = await runCli(['apply', ...EXAMPLES, ...FAST, '--output', 'json'], { env: env() });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(parseJson(applied.stdout).converged, true);
    assertConverged(sb!);

    const mark = sb!.calls.length;
    const r = await runCli(['plan', ...EXAMPLES, '--detailed-exitcode', '--output', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = parseJson(r.stdout);
    assert.equal(out.changes, false);
    assert.equal(out.targets.length, 11);
    const billing = out.targets.find((t: { name?: string }) => t.name === 'Billing desk');
    assert.ok(billing, 'the workspace name is in the JSON');
    assert.deepEqual(billing.documents.map((d: { name: string }) => d.name), ['billing-desk']);
    assert.equal(Object.values(billing.names as Record<string, string>).filter((n) => n.startsWith('user ')).length, 5, 'agent11..agent15, selected by routing profile, by name');
    assert.deepEqual(mutatingCalls(sb!.calls.slice(mark)), [], 'plan is read-only');
    // One look-up per kind and instance (or region), whatever the number of names; SearchUsers per
    // userSelector. (Observation may read the catalogue again for its application-side view: those
    // DescribeApplications come after the first observation call and are not look-ups.)
    const all = sb!.calls.slice(mark).map((c) => c.operation);
    const firstObservation = all.findIndex((o) => ['SearchWorkspaceAssociations', 'DescribeWorkspaceAssociations', 'DescribeApplicationAssociations'].includes(o));
    const ops = all.filter((o, i) => !(o === 'DescribeApplications' && firstObservation >= 0 && i > firstObservation));
    const count = (op: string) => ops.filter((o) => o === op).length;
    assert.deepEqual(
      ['ListWorkspaces', 'ListUsers', 'ListRoutingProfiles', 'SearchUsers', 'DescribeApplications', 'DescribeWorkspaces', 'DescribeTags'].map(count),
      [2, 2, 2, 2, 1, 2, 3],
    );

    const twin = await runCli(['plan', ...BY_ID, '--detailed-exitcode'], { env: env() });
    assert.equal(twin.code, 0, 'the same desired state written by ids wants nothing more: ' + twin.stdout + twin.stderr);
  });
});
