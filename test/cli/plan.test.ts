/** `plan` against the demo sandbox: text and JSON, read-only, --detailed-exitcode, failures to reach AWS. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { agentArn, profileArn } from './demo-world.js';
import {
  assertNoStackTrace, BY_ID, cliEnv, closedPort, EXAMPLES, FAST, mutatingCalls, parseJson, removeDir, runCli, tempDir,
} from './helpers.js';

const SUMMARY = 'Plan: 40 to associate, 2 to disassociate, 7 deployments, 0 in flight, 0 to retry, 0 failing.';

describe('cli: plan', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    // No sandbox quotas: several runs back to back would otherwise wait on the emulated 2/s buckets.
    sb = await startSandbox({ stepDelayMs: 20, quotas: false });
    dir = await tempDir();
  });
  afterEach(async () => {
    await sb?.close();
    await removeDir(dir);
  });
  const sandbox = () => sb as Sandbox;
  const env = (extra?: Record<string, string | undefined>) => cliEnv(dir as string, sb, extra);

  it('prints every change as +/- lines and the summary, and makes no mutating call', async () => {
    const r = await runCli(['plan', ...EXAMPLES], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('  + ')).length, 40);
    // A removal carries the name AWS returned with the observation, at no extra call.
    assert.deepEqual(lines.filter((l) => l.startsWith('  - ')), [`  - ${agentArn(20)} (user agent20)`, '  - wsa-zoom000001']);
    assert.equal(lines.filter((l) => l === '  ~ deploy').length, 7);
    // Items resolved from names carry what was written.
    assert.ok(lines.includes(`  + ${profileArn(2)} (routing profile Billing)`), r.stdout);
    assert.ok(lines.includes(`  + ${agentArn(11)} (user agent11)`), 'selected by the routing-profile selector, named by SearchUsers');
    assert.match(r.stdout, /^  \+ wsa-office0001 \(Microsoft 365 Apps for enterprise\)$/m);
    assert.match(r.stdout, /^Connect workspace 5f4e3d2c-aaaa-bbbb-cccc-444455556666 .* ← supervisors \[prune\]$/m);
    assert.match(r.stdout, /^WorkSpace ws-cc00000001 \(us-east-1\) ← call-center-desktops \[prune\]$/m);
    assert.equal(lines.at(-2), SUMMARY);
    // Read-only: the name look-ups, one scan per Connect instance, and WorkSpaces observed by the
    // cheaper view (one describe each, or the application side with the catalogue, which then
    // reads DescribeApplications again and one prune WorkSpace on its own): at most one call per
    // WorkSpace, and one more when the catalogue, read on an optimistic guess of its size, turns
    // out too dear to use (it is then one describe each).
    assert.deepEqual(mutatingCalls(sandbox().calls), []);
    const ops = sandbox().calls.map((c) => c.operation);
    const OBSERVE = new Set(['SearchWorkspaceAssociations', 'DescribeWorkspaceAssociations', 'DescribeApplicationAssociations']);
    const firstObservation = ops.findIndex((o) => OBSERVE.has(o));
    const observedWorkSpaces = (o: string, i: number) => o === 'DescribeWorkspaceAssociations' || o === 'DescribeApplicationAssociations' || (o === 'DescribeApplications' && i > firstObservation);
    assert.deepEqual([...new Set(ops.filter((o, i) => !OBSERVE.has(o) && !observedWorkSpaces(o, i)))].sort(), [
      'DescribeApplications', 'DescribeTags', 'DescribeWorkspaces', 'ListRoutingProfiles', 'ListUsers', 'ListWorkspaces', 'SearchUsers',
    ]);
    assert.ok(ops.includes('SearchWorkspaceAssociations'));
    const workSpaces = lines.filter((l) => l.startsWith('WorkSpace ws-')).length;
    const workSpacesCalls = ops.filter(observedWorkSpaces).length;
    assert.ok(workSpacesCalls <= workSpaces + 1, `${workSpacesCalls} WorkSpaces calls for ${workSpaces} WorkSpaces`);
  });

  it('--output json: summary numbers, targets[] and the prune guard, as one JSON document', async () => {
    const r = await runCli(['plan', ...EXAMPLES, '--output', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const out = parseJson(r.stdout);
    assert.deepEqual(out.summary, { associate: 40, disassociate: 2, deploy: 7, wait: 0, retry: 0, failed: 0 });
    assert.equal(out.changes, true);
    assert.deepEqual(out.prune, { count: 2, max: 100, exceeded: false });
    assert.equal(out.targets.length, 11);
    const supervisors = out.targets.find((t: { documents: { name: string }[] }) => t.documents[0].name === 'supervisors');
    assert.equal(supervisors.type, 'connect');
    assert.equal(supervisors.prune, true);
    assert.deepEqual(supervisors.disassociate, [agentArn(20)]);
    assert.deepEqual(supervisors.associate, [agentArn(16), agentArn(17), agentArn(18)]);
    const cc1 = out.targets.find((t: { key: string }) => t.key === 'workspaces/us-east-1/ws-cc00000001');
    assert.deepEqual([cc1.associate, cc1.disassociate, cc1.deploy], [['wsa-chrome0001', 'wsa-office0001'], ['wsa-zoom000001'], { force: false }]);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(mutatingCalls(sandbox().calls), []);
  });

  it('--max-prune below the removals: warns that apply will refuse (text and JSON), still exit 0', async () => {
    const r = await runCli(['plan', ...EXAMPLES, '--max-prune', '1'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^WARNING: this plan removes 2 associations, more than --max-prune 1; apply will refuse it\.$/m);
    const j = await runCli(['plan', ...EXAMPLES, '--max-prune', '1', '--output', 'json'], { env: env() });
    assert.deepEqual(parseJson(j.stdout).prune, { count: 2, max: 1, exceeded: true });
  });

  it('prune: true with an empty list: plan says apply refuses those removals (text and JSON held), and allowEmpty: true lifts it', async () => {
    const file = join(dir as string, 'empty.yaml');
    const doc = (extra: string) =>
      'apiVersion: workspace-reconciler/v1\nkind: WorkSpaceApplications\nmetadata:\n  name: empty\nspec:\n  region: us-east-1\n' +
      `  workspaceIds: [ws-cc00000001]\n  applicationIds: []\n  prune: true\n${extra}`;
    await writeFile(file, doc(''));
    const r = await runCli(['plan', file], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^  ! prune: true with an empty desired set: apply refuses these 1 removals/m);
    const j = await runCli(['plan', file, '--output', 'json'], { env: env() });
    assert.deepEqual(parseJson(j.stdout).targets[0].held, { reason: 'empty-desired' });
    await writeFile(file, doc('  allowEmpty: true\n'));
    const ok = await runCli(['plan', file, '--output', 'json'], { env: env() });
    assert.equal(parseJson(ok.stdout).targets[0].held, undefined);
    assert.deepEqual(parseJson(ok.stdout).targets[0].disassociate, ['wsa-zoom000001']);
  });

  it('--detailed-exitcode: 2 while there are changes, 0 once apply has converged', async () => {
    const before = await runCli(['plan', ...EXAMPLES, '--detailed-exitcode'], { env: env() });
    assert.equal(before.code, 2, before.stderr);
    const apply = await runCli(['apply', ...EXAMPLES, ...FAST], { env: env() });
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    sandbox().resetCalls();
    const after = await runCli(['plan', ...EXAMPLES, '--detailed-exitcode'], { env: env() });
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /^Plan: 0 to associate, 0 to disassociate, 0 deployments, 0 in flight, 0 to retry, 0 failing; 11 targets unchanged\.$/m);
    assert.deepEqual(mutatingCalls(sandbox().calls), []);
  });

  // Observation failures: the desired state by ids, so that every target is known before AWS is
  // asked (by names, the look-ups fail first: test/resolve/cli.test.ts).
  it('an unreachable endpoint: exit 1 quickly, every target named, no stack trace', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(['plan', ...BY_ID], { env: env({ AWS_ENDPOINT_URL_CONNECT: dead, AWS_ENDPOINT_URL_WORKSPACES: dead, AWS_MAX_ATTEMPTS: '1' }) });
    assert.equal(r.code, 1);
    assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
    assert.equal(r.stdout.match(/^ {2}! cannot observe: ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+$/gm)?.length, 11, r.stdout);
    assert.match(r.stdout, /^11 targets could not be observed\.$/m);
    assert.match(r.stdout, /^hint: the AWS endpoint cannot be reached/m);
    assertNoStackTrace(r.stderr);

    const j = await runCli(['plan', ...BY_ID, '--output', 'json'], { env: env({ AWS_ENDPOINT_URL_CONNECT: dead, AWS_ENDPOINT_URL_WORKSPACES: dead, AWS_MAX_ATTEMPTS: '1' }) });
    assert.equal(j.code, 1);
    const errors = parseJson(j.stdout).errors as { target: string; code: string; terminal: boolean }[];
    assert.equal(errors.length, 11);
    assert.ok(errors.every((e) => e.code === 'ECONNREFUSED' && e.terminal === false), JSON.stringify(errors));
  });

  it('no credentials anywhere: exit 1, every target says so, and one hint tells what to do', async () => {
    // cliEnv strips every AWS_* variable and points HOME at an empty directory: no profile either.
    const r = await runCli(['plan', ...BY_ID], {
      env: env({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_EC2_METADATA_DISABLED: 'true' }),
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout.match(/^ {2}! cannot observe: CredentialsProviderError: /gm)?.length, 11, r.stdout);
    assert.equal(r.stdout.match(/^hint: no AWS credentials were found/gm)?.length, 1, r.stdout);
    assertNoStackTrace(r.stderr);
  });

  it('a target without a region: exit 1 naming the document, before any AWS call', async () => {
    const file = join(dir as string, 'no-region.yaml');
    await writeFile(file, 'apiVersion: workspace-reconciler/v1\nkind: WorkSpaceApplications\nmetadata:\n  name: no-region\nspec:\n  workspaceIds: [ws-eng0000001]\n  applicationIds: [wsa-slack00001]\n');
    // HOME is an empty directory (cliEnv), so no profile supplies a region either.
    const r = await runCli(['plan', file], { env: env({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: 1 document without a region (first: WorkSpaceApplications 'no-region' at ${file}:4:9): set spec.region, --region, or AWS_REGION\n`);
    assert.equal(r.stdout, '');
    assert.equal(sandbox().calls.length, 0);

    const withRegion = await runCli(['plan', file, '--region', 'us-east-1'], { env: env({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }) });
    assert.equal(withRegion.code, 0, withRegion.stderr);
    assert.match(withRegion.stdout, /^ {2}\+ wsa-slack00001$/m);
  });
});
