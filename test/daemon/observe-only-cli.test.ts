/**
 * `run --observe-only` as an operator starts it: the BUILT binary (`npm run build` first) against
 * the sandbox in this process, resyncing every second (--interval's floor). The world is first
 * brought in line by `apply`; then drift is made by hand through the API, as someone in the
 * console would, and taken away again. Over every cycle the daemon makes no mutating call: the
 * only changes in the sandbox's call log are the test's own, by request id.
 */
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { AssociateWorkspaceCommand, DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { AssociateWorkspaceApplicationCommand, DisassociateWorkspaceApplicationCommand } from '@aws-sdk/client-workspaces';
import { ClientFactory } from '../../src/providers/clients.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cliEnv, FAST, isMutating, removeDir, ROOT, runCli, startCli, tempDir, waitFor, type RunningCli } from '../cli/helpers.js';
import { sample, samples, waitForAsync } from './harness.js';

interface LogLine {
  msg: string;
  [field: string]: unknown;
}
const logged = (cli: RunningCli, msg: string): LogLine[] =>
  cli.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg === msg);

const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const SUPERVISORS = '5f4e3d2c-aaaa-bbbb-cccc-444455556666';
const AGENT20 = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/agent/0f1e2d3c-0000-1111-2222-333344445520`;
const supervisors = { kind: 'connect', target: `connect/us-east-1/${INSTANCE}/${SUPERVISORS}`, document: 'supervisors' };
const cc2 = { kind: 'workspaces', target: 'workspaces/us-east-1/ws-cc00000002', document: 'call-center-desktops' };

describe('cli: run --observe-only (the drift detector)', function () {
  this.timeout(90_000);
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  let cli: RunningCli | undefined;
  let clients: ClientFactory | undefined;
  beforeEach(async () => {
    dir = await tempDir('observe-only-cli-test-');
    for (const part of ['connect', 'workspaces']) await cp(join(ROOT, 'examples', part), join(dir, 'desired', part), { recursive: true });
    sb = await startSandbox({ stepDelayMs: 20, quotas: false });
    clients = new ClientFactory({ overrides: { endpoint: sb.endpoint, credentials: { accessKeyId: 'AKIDBYHAND', secretAccessKey: 'x' } } });
  });
  afterEach(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.done;
    }
    cli = undefined;
    clients?.destroy();
    await sb?.close();
    await removeDir(dir);
  });

  it('over many cycles makes no mutating call while the drift metrics follow drift made and undone by hand, each logged once', async () => {
    const sandbox = sb as Sandbox;
    const desired = join(dir as string, 'desired');
    const env = cliEnv(dir as string, sandbox);
    const applied = await runCli(['apply', desired, ...FAST], { env });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const mark = sandbox.calls.length;

    cli = await startCli(['run', desired, '--observe-only', '--interval', '1s', '--listen', '127.0.0.1:0', ...FAST], { env });
    const c = cli;
    await waitFor('"daemon starting"', () => logged(c, 'daemon starting').length > 0 || c.child.exitCode !== null);
    const start = logged(c, 'daemon starting')[0];
    assert.ok(start, c.stderr);
    assert.equal(start.observeOnly, true);
    const url = String(start.listen);
    const scrape = async () => (await fetch(`${url}/metrics`)).text();
    const resyncs = () => logged(c, 'full resync').filter((l) => l.reason === 'interval').length;
    const cycles = async (n: number) => {
      const target = resyncs() + n;
      await waitFor(`${n} more resync cycles`, () => resyncs() >= target, { timeoutMs: 20_000 });
    };

    // In line: ready, nothing drifts, no drift series at all.
    await waitForAsync('/readyz 200', async () => (await fetch(`${url}/readyz`)).status === 200);
    await cycles(2);
    assert.equal(await (await fetch(`${url}/readyz`)).text(), 'ok: observing 11 targets (observe-only), 0 drifting\n');
    let text = await scrape();
    assert.deepEqual(samples(text, 'workspace_reconciler_drift_associations'), []);
    assert.equal(sample(text, 'workspace_reconciler_drift_targets', { kind: 'connect' }), 0);
    assert.equal(sample(text, 'workspace_reconciler_drift_targets', { kind: 'workspaces' }), 0);

    // Drift by hand: agent20 on Supervisors (prune: true), Zoom on cc2 (prune: true). A normal
    // daemon would remove both at once; this one must only report them.
    const byHand: string[] = [];
    const connect = clients!.connect('us-east-1');
    const workspaces = clients!.workspaces('us-east-1');
    byHand.push((await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: [AGENT20] }))).$metadata.requestId!);
    byHand.push((await workspaces.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000002', ApplicationId: 'wsa-zoom000001' }))).$metadata.requestId!);
    const drifted = Date.now() / 1000;
    await waitForAsync('drift metrics on both targets', async () => {
      text = await scrape();
      return sample(text, 'workspace_reconciler_drift_associations', { ...supervisors, direction: 'extra' }) === 1 && sample(text, 'workspace_reconciler_drift_associations', { ...cc2, direction: 'extra' }) === 1;
    }, { timeoutMs: 20_000 });
    assert.equal(sample(text, 'workspace_reconciler_drift_associations', { ...supervisors, direction: 'missing' }), 0);
    assert.equal(sample(text, 'workspace_reconciler_drift_associations', { ...cc2, direction: 'undeployed' }), 0);
    assert.equal(samples(text, 'workspace_reconciler_drift_associations').length, 5, 'only the two drifting targets have series (2 + 3 directions)');
    const since = [supervisors, cc2].map((l) => sample(text, 'workspace_reconciler_drift_since_timestamp_seconds', l)!);
    for (const s of since) assert.ok(s >= drifted - 1 && s <= Date.now() / 1000, `since ${s}`);
    assert.equal(sample(text, 'workspace_reconciler_drift_targets', { kind: 'connect' }), 1);
    assert.match(await (await fetch(`${url}/readyz`)).text(), /^ok: observing 11 targets \(observe-only\), 2 drifting\n$/);
    assert.deepEqual(sandbox.connectAssociations('us-east-1', INSTANCE, SUPERVISORS).includes(AGENT20), true, 'still there');

    // The drift lasts: more cycles, still one "drift started" per target, the same start.
    await cycles(2);
    text = await scrape();
    assert.deepEqual([supervisors, cc2].map((l) => sample(text, 'workspace_reconciler_drift_since_timestamp_seconds', l)), since);
    assert.deepEqual(logged(c, 'drift started').map((l) => l.target).sort(), [supervisors.target, cc2.target].sort());
    const started = logged(c, 'drift started').find((l) => l.target === supervisors.target)!;
    assert.deepEqual([started.documents, started.missing, started.extra, started.undeployed], [['supervisors'], 0, 1, 0]);
    assert.equal(logged(c, 'drift ended').length, 0);

    // Undone by hand: the series go, one "drift ended" each.
    byHand.push((await connect.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: [AGENT20] }))).$metadata.requestId!);
    byHand.push((await workspaces.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000002', ApplicationId: 'wsa-zoom000001' }))).$metadata.requestId!);
    await waitForAsync('the drift series gone', async () => {
      text = await scrape();
      return samples(text, 'workspace_reconciler_drift_associations').length === 0 && samples(text, 'workspace_reconciler_drift_since_timestamp_seconds').length === 0;
    }, { timeoutMs: 20_000 });
    assert.equal(sample(text, 'workspace_reconciler_drift_targets', { kind: 'connect' }), 0);
    await cycles(1);
    assert.deepEqual(logged(c, 'drift ended').map((l) => l.target).sort(), [supervisors.target, cc2.target].sort());
    assert.equal(logged(c, 'drift started').length, 2);

    // Every cycle observed; none changed anything: the only mutating calls are the test's own.
    assert.ok(resyncs() >= 5, `${resyncs()} resync cycles`);
    const after = sandbox.calls.slice(mark);
    assert.ok(after.some((r) => r.operation === 'SearchWorkspaceAssociations') && after.some((r) => r.operation === 'DescribeWorkspaceAssociations'));
    assert.deepEqual(after.filter(isMutating).map((r) => r.requestId).sort(), [...byHand].sort());
    assert.equal(sample(text, 'workspace_reconciler_aws_calls_total', { service: 'connect', operation: 'AssociateWorkspace', outcome: 'success' }), undefined);
    const lastSuccess = sample(text, 'workspace_reconciler_last_successful_reconcile_timestamp_seconds', { controller: 'connect' })!;
    assert.ok(lastSuccess >= drifted - 1, 'passes that found drift count as successful');

    // It holds no lock: an apply of the same desired state runs meanwhile (and has nothing to do).
    const again = await runCli(['apply', desired, ...FAST], { env });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    c.child.kill('SIGTERM');
    assert.equal((await c.done).code, 0);
  });
});
