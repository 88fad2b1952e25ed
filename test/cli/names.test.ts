/** Names and selectors through the built CLI, against the demo sandbox (examples/names). */
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cliEnv, EXAMPLES, FAST, mutatingCalls, parseJson, removeDir, runCli, tempDir } from './helpers.js';

describe('cli: names and selectors (examples/names)', () => {
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

  it('the documents by name want what their id twins want: after apply of the id examples, plan of both has no changes', async () => {
    const applied = await runCli(['apply', ...EXAMPLES, ...FAST, '--output', 'json'], { env: env() });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const mark = sb!.calls.length;
    const r = await runCli(['plan', ...EXAMPLES, 'examples/names', '--detailed-exitcode', '--output', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = parseJson(r.stdout);
    assert.equal(out.changes, false);
    const billing = out.targets.find((t: { name?: string }) => t.name === 'Billing desk');
    assert.ok(billing, 'the workspace name is in the JSON');
    assert.deepEqual(billing.documents.map((d: { name: string }) => d.name).sort(), ['billing-desk', 'billing-desk-by-name']);
    assert.equal(Object.values(billing.names as Record<string, string>).filter((n) => n.startsWith('user ')).length, 5, 'agent11..agent15, by name');
    assert.deepEqual(mutatingCalls(sb!.calls.slice(mark)), [], 'plan is read-only');
    // One scan per kind and instance, whatever the number of names.
    const ops = sb!.calls.slice(mark).map((c) => c.operation);
    for (const op of ['ListWorkspaces', 'ListUsers', 'ListRoutingProfiles', 'SearchUsers', 'DescribeApplications']) assert.equal(ops.filter((o) => o === op).length, 1, op);
  });
});
