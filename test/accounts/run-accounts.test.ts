/**
 * The daemon (`run`, built CLI) over several accounts: it converges each account in its own
 * world, labels its AWS-call metrics with the account, and a reload of the desired state keeps the
 * assumed credentials of an unchanged Account (no second AssumeRole).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cliEnv, FAST, removeDir, startCli, tempDir, waitFor, type RunningCli } from '../cli/helpers.js';
import { samples } from '../daemon/harness.js';
import { accountsSeed, APP, BASE, BASE_KEY, EXTERNAL_ID, PROD, PROD_ROLE, REGION, WS } from './world.js';

const doc = (kind: string, name: string, spec: Record<string, unknown>) =>
  `apiVersion: workspace-reconciler/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n`;

describe('accounts: the daemon over several accounts (built CLI)', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  let cli: RunningCli | undefined;
  beforeEach(async () => {
    dir = await tempDir('run-accounts-');
    sb = await startSandbox({ seed: accountsSeed({ strict: true }), stepDelayMs: 20, quotas: false });
  });
  afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGTERM');
      await cli.done;
    }
    await sb?.close();
    await removeDir(dir);
  });

  const installed = (account: string, app: string) => sb!.workspaceAssociations(REGION, WS, account).some((a) => a.applicationId === app && a.state === 'COMPLETED');

  it('converges both accounts, labels the call metrics by account, and keeps the credentials across a reload', async () => {
    const file = join(dir!, 'desired.yaml');
    const state = (apps: string[]) => [
      doc('Account', 'prod', { roleArn: PROD_ROLE, externalId: EXTERNAL_ID }),
      doc('WorkSpaceApplications', 'base-ws', { region: REGION, workspaceIds: [WS], applicationIds: [APP] }),
      doc('WorkSpaceApplications', 'prod-ws', { account: 'prod', region: REGION, workspaceIds: [WS], applicationIds: apps }),
    ].join('---\n');
    await writeFile(file, state([APP]));
    cli = await startCli(['run', file, '--listen', '127.0.0.1:0', '--debounce', '50ms', ...FAST], { env: cliEnv(dir!, sb, { AWS_ACCESS_KEY_ID: BASE_KEY }) });
    const c = cli;
    const listen = () => c.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; listen?: string }).find((l) => l.msg === 'daemon starting')?.listen;
    await waitFor('the daemon to start', () => listen() !== undefined || c.child.exitCode !== null);
    assert.ok(listen(), c.stderr);
    await waitFor('both accounts converged', () => installed(BASE, APP) && installed(PROD, APP));

    const text = await (await fetch(`${listen()}/metrics`)).text();
    const calls = samples(text, 'workspace_reconciler_aws_calls_total');
    const byAccount = (account: string) => calls.filter((s) => s.labels.account === account).reduce((n, s) => n + s.value, 0);
    assert.equal(byAccount(PROD), sb!.calls.filter((x) => x.service === 'workspaces' && x.accountId === PROD).length);
    assert.equal(byAccount(BASE), sb!.calls.filter((x) => x.service === 'workspaces' && x.accountId === BASE).length);
    assert.ok(byAccount(PROD) > 0 && byAccount(BASE) > 0);

    // A reload (an edit of the prod document) keeps prod's credentials: still one AssumeRole.
    await writeFile(file, state([APP, 'wsa-other00001']));
    await waitFor('the reload to be applied', () => c.stderr.split('\n').some((l) => l.includes('"desired state applied"') && l.includes('file change')));
    await waitFor('the failing new application reported', () => sb!.calls.some((x) => x.operation === 'AssociateWorkspaceApplication' && x.input.ApplicationId === 'wsa-other00001'));
    assert.equal(sb!.calls.filter((x) => x.operation === 'AssumeRole').length, 1);
    assert.equal(sb!.calls.filter((x) => x.operation === 'GetCallerIdentity').length, 1);
  });
});
