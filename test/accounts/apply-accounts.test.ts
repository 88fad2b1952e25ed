/**
 * `apply` over several accounts and regions with the built CLI against the sandbox: each account's
 * calls are signed with its own assumed credentials (the sandbox picks the account from the
 * access key, and the call log says where each call acted), the same WorkSpace id in two accounts
 * is two targets, and a role that cannot be assumed fails only its own targets.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertNoStackTrace, cliEnv, FAST, mutatingCalls, parseJson, removeDir, runCli, tempDir } from '../cli/helpers.js';
import { accountsSeed, APP, BASE, BASE_KEY, EXTERNAL_ID, FLOOR, INSTANCE, LOCKED, LOCKED_ROLE, PROD, PROD_ROLE, REGION, REGION2, userArn, WS } from './world.js';

const doc = (kind: string, name: string, spec: Record<string, unknown>) =>
  `apiVersion: workspace-reconciler/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n`;

const PROD_ACCOUNT = doc('Account', 'prod', { roleArn: PROD_ROLE, externalId: EXTERNAL_ID });
const LOCKED_ACCOUNT = doc('Account', 'locked', { roleArn: LOCKED_ROLE });
/** The same WorkSpace id in the base account (default credentials) and in prod; Connect in prod in two regions. */
const TWO_ACCOUNTS = [
  PROD_ACCOUNT,
  doc('WorkSpaceApplications', 'base-ws', { region: REGION, workspaceIds: [WS], applicationIds: [APP] }),
  doc('WorkSpaceApplications', 'prod-ws', { account: 'prod', region: REGION, workspaceIds: [WS], applicationIds: [APP] }),
  doc('ConnectWorkspaceAssociations', 'prod-floor-us', { account: 'prod', region: REGION, instanceId: INSTANCE, workspaceId: FLOOR, users: ['agent01'] }),
  doc('ConnectWorkspaceAssociations', 'prod-floor-eu', { account: 'prod', region: REGION2, instanceId: INSTANCE, workspaceName: `Floor ${REGION2}`, resourceArns: [userArn(PROD, 2, REGION2)] }),
].join('---\n');

describe('accounts: apply over several accounts and regions (built CLI, sandbox)', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
    sb = await startSandbox({ seed: accountsSeed({ strict: true }), stepDelayMs: 20, quotas: false });
  });
  afterEach(async () => {
    await sb?.close();
    await removeDir(dir);
  });
  const env = () => cliEnv(dir!, sb, { AWS_ACCESS_KEY_ID: BASE_KEY });
  async function desired(text: string): Promise<string> {
    const file = join(dir!, 'desired.yaml');
    await writeFile(file, text);
    return file;
  }

  it('validate is offline: it names the Accounts and makes no call, STS included', async () => {
    const file = await desired(TWO_ACCOUNTS);
    const r = await runCli(['validate', file], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`; 1 Account \\(prod ${PROD}\\)`));
    assert.deepEqual(sb!.calls, []);
  });

  it('two accounts, two regions, one process: each converges in its own world, with one AssumeRole per account', async () => {
    const file = await desired(TWO_ACCOUNTS);
    const r = await runCli(['apply', file, ...FAST, '--output', 'json', '--log-level', 'debug'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    const keys = report.targets.map((t: { key: string }) => t.key).sort();
    assert.deepEqual(keys, [
      `connect/${PROD}/${REGION2}/${INSTANCE}/${FLOOR}`,
      `connect/${PROD}/${REGION}/${INSTANCE}/${FLOOR}`,
      `workspaces/${BASE}/${REGION}/${WS}`,
      `workspaces/${PROD}/${REGION}/${WS}`,
    ]);
    assert.deepEqual(report.targets.map((t: { account: string }) => t.account).sort(), [BASE, PROD, PROD, PROD]);
    // Each world got exactly what its documents asked for.
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, BASE).map((a) => [a.applicationId, a.state]), [[APP, 'COMPLETED']]);
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, PROD).map((a) => [a.applicationId, a.state]), [[APP, 'COMPLETED']]);
    assert.deepEqual(sb!.connectAssociations(REGION, INSTANCE, FLOOR, PROD), [userArn(PROD, 1)]);
    assert.deepEqual(sb!.connectAssociations(REGION2, INSTANCE, FLOOR, PROD), [userArn(PROD, 2, REGION2)]);
    assert.deepEqual(sb!.connectAssociations(REGION, INSTANCE, FLOOR, BASE), []);
    assert.deepEqual(sb!.connectAssociations(REGION2, INSTANCE, FLOOR, BASE), []);
    // Every Connect call acted in prod: signed with the assumed role's key (the base key acts in BASE).
    const calls = sb!.calls;
    assert.ok(calls.filter((c) => c.service === 'connect').every((c) => c.accountId === PROD));
    assert.deepEqual(new Set(mutatingCalls(calls.filter((c) => c.accountId === BASE))), new Set(['AssociateWorkspaceApplication', 'DeployWorkspaceApplications']));
    // One AssumeRole for prod (two services, two regions, many calls) and one GetCallerIdentity for the default account.
    const sts = calls.filter((c) => c.service === 'sts');
    assert.deepEqual(sts.map((c) => [c.operation, c.accountId]).sort(), [['AssumeRole', BASE], ['GetCallerIdentity', BASE]]);
    assert.deepEqual(sts.find((c) => c.operation === 'AssumeRole')?.input, { RoleArn: PROD_ROLE, RoleSessionName: 'workspace-reconciler', ExternalId: EXTERNAL_ID });
    // No credential of any account in any output, debug logs included.
    const issued = sb!.issuedCredentials();
    assert.equal(issued.length, 1);
    for (const c of issued) {
      for (const secret of [c.secretAccessKey, c.sessionToken, c.accessKeyId]) {
        const out = r.stdout + r.stderr;
        const i = out.indexOf(secret);
        assert.ok(i < 0, `an assumed-role credential was printed: …${out.slice(Math.max(0, i - 300), i + 50)}`);
      }
    }
    assert.ok(!(r.stdout + r.stderr).includes('sandbox-secret'));
    assert.doesNotMatch(r.stdout + r.stderr, /Signature=|x-amz-security-token/i);
    // Log lines about a target name its account.
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.filter((l) => typeof l.target === 'string').every((l) => l.account === PROD || l.account === BASE));
  });

  it("a role that cannot be assumed fails that account's targets with a hint; the other accounts converge; exit 2", async () => {
    const file = await desired([TWO_ACCOUNTS, LOCKED_ACCOUNT, doc('WorkSpaceApplications', 'locked-ws', { account: 'locked', region: REGION, workspaceIds: [WS], applicationIds: [APP] })].join('---\n'));
    const r = await runCli(['apply', file, ...FAST], { env: env() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assertNoStackTrace(r.stderr);
    assert.match(r.stdout, new RegExp(`^ {2}FAILED workspaces/${LOCKED}/${REGION}/${WS}: AssumeRole .*AccessDenied: cannot assume ${LOCKED_ROLE} for Account 'locked'`, 'm'));
    assert.match(r.stdout, /^ {2}hint: a role could not be assumed: its trust policy must allow/m);
    assert.equal(r.stdout.match(/FAILED/g)?.length, 1, r.stdout);
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, PROD).map((a) => a.applicationId), [APP]);
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, BASE).map((a) => a.applicationId), [APP]);
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, LOCKED), []);
    assert.ok(!sb!.calls.some((c) => c.accountId === LOCKED), 'nothing acted in the locked account');
    // The refusal is remembered: not one AssumeRole per call of that account.
    assert.equal(sb!.calls.filter((c) => c.operation === 'AssumeRole' && c.input.RoleArn === LOCKED_ROLE).length, 1);
  });

  it('plan shows each target with its account, and a refused role as that account\'s targets not observed, with the hint', async () => {
    const file = await desired([TWO_ACCOUNTS, LOCKED_ACCOUNT, doc('WorkSpaceApplications', 'locked-ws', { account: 'locked', region: REGION, workspaceIds: [WS], applicationIds: [APP] })].join('---\n'));
    const r = await runCli(['plan', file], { env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^WorkSpace ${WS} \\(account ${PROD}, ${REGION}\\) ← prod-ws$`, 'm'));
    assert.match(r.stdout, new RegExp(`^WorkSpace ${WS} \\(account ${BASE}, ${REGION}\\) ← base-ws$`, 'm'));
    assert.match(r.stdout, new RegExp(`^WorkSpace ${WS} \\(account ${LOCKED}, ${REGION}\\) ← locked-ws\n {2}! cannot observe: AccessDenied: cannot assume ${LOCKED_ROLE}`, 'm'));
    assert.match(r.stdout, /^hint: a role could not be assumed/m);
    assert.deepEqual(mutatingCalls(sb!.calls), []);
  });

  it('a saved plan over two accounts (plan --out, apply --plan) applies exactly its actions, each in its own account', async () => {
    const file = await desired(TWO_ACCOUNTS);
    const planFile = join(dir!, 'reviewed.plan.json');
    const p = await runCli(['plan', file, '--out', planFile], { env: env() });
    assert.equal(p.code, 0, p.stdout + p.stderr);
    assert.deepEqual(mutatingCalls(sb!.calls), []);
    const r = await runCli(['apply', '--plan', planFile, ...FAST, '--output', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, PROD).map((a) => [a.applicationId, a.state]), [[APP, 'COMPLETED']]);
    assert.deepEqual(sb!.workspaceAssociations(REGION, WS, BASE).map((a) => [a.applicationId, a.state]), [[APP, 'COMPLETED']]);
    assert.deepEqual(sb!.connectAssociations(REGION2, INSTANCE, FLOOR, PROD), [userArn(PROD, 2, REGION2)]);
  });

  it('when every target is in an account whose role is refused, nothing could be attempted: exit 1, nothing changed', async () => {
    const file = await desired([LOCKED_ACCOUNT, doc('WorkSpaceApplications', 'locked-ws', { account: 'locked', region: REGION, workspaceIds: [WS], applicationIds: [APP] })].join('---\n'));
    const r = await runCli(['apply', file, ...FAST], { env: env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /hint: a role could not be assumed/);
    assert.deepEqual(mutatingCalls(sb!.calls), []);
  });
});
