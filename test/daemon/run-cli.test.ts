/**
 * `run` as an operator starts it: the BUILT binary (`npm run build` first) against the sandbox in
 * this process, on --listen 127.0.0.1:0 (the port is read from its "daemon starting" log line).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { close, constants, open, write } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { loadDesiredState } from '../../src/config/index.js';
import { acquireLock, lockKeyForPaths } from '../../src/ops/lock.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertConverged } from '../cli/demo-world.js';
import { assertNoStackTrace, cliEnv, FAST, literal, mutatingCalls, removeDir, ROOT, runCli, startCli, tempDir, waitFor, type RunningCli } from '../cli/helpers.js';
import { addSlackToCallCenter, edit, samples, waitForAsync } from './harness.js';

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

/** The JSON log lines on stderr so far. */
function logLines(cli: RunningCli): LogLine[] {
  return cli.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
}
const logged = (cli: RunningCli, msg: string) => logLines(cli).filter((l) => l.msg === msg);

/** The lock key of the desired state under `paths`, as `run` and `apply` compute it: from where it lives. */
async function lockKeyOf(paths: string[]): Promise<string> {
  const r = await loadDesiredState(paths, { defaultRegion: 'us-east-1' });
  assert.ok(r.state, JSON.stringify(r.errors));
  return lockKeyForPaths(paths);
}

/** Opens a FIFO for writing once a reader has opened it (O_NONBLOCK: ENXIO until then), polling. */
async function openWhenRead(fifo: string): Promise<number> {
  let fd: number | undefined;
  await waitFor(`a reader of ${fifo}`, () => {
    open(fifo, constants.O_WRONLY | constants.O_NONBLOCK, (err, f) => {
      if (!err && fd === undefined) fd = f;
      else if (!err) close(f, () => undefined);
    });
    return fd !== undefined;
  }, { intervalMs: 10 });
  return fd as number;
}

const slackEverywhereInCallCenter = (sb: Sandbox) =>
  [1, 2, 3, 4].every((n) => sb.workspaceAssociations('us-east-1', `ws-cc0000000${n}`).some((a) => a.applicationId === 'wsa-slack00001' && a.state === 'COMPLETED'));

describe('cli: run (the daemon process)', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  let cli: RunningCli | undefined;
  beforeEach(async () => {
    dir = await tempDir('run-cli-test-');
    for (const part of ['connect', 'workspaces']) await cp(join(ROOT, 'test', 'fixtures', 'demo-by-id', part), join(dir, 'desired', part), { recursive: true });
    sb = await startSandbox({ stepDelayMs: 20, quotas: false });
  });
  afterEach(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.done;
    }
    cli = undefined;
    await sb?.close();
    await removeDir(dir);
  });
  const desired = () => join(dir as string, 'desired');
  const env = () => cliEnv(dir as string, sb);

  /** Starts `run` on a free port; resolves with its base URL once it listens. */
  async function startDaemon(extra: string[] = []): Promise<{ cli: RunningCli; url: string }> {
    cli = await startCli(['run', desired(), '--listen', '127.0.0.1:0', '--debounce', '50ms', ...FAST, ...extra], { env: env() });
    const c = cli;
    await waitFor('"daemon starting"', () => logged(c, 'daemon starting').length > 0 || c.child.exitCode !== null);
    const line = logged(c, 'daemon starting')[0];
    assert.ok(line, `the daemon did not start:\n${c.stderr}`);
    assert.match(String(line.listen), /^http:\/\/127\.0\.0\.1:\d+$/);
    return { cli: c, url: String(line.listen) };
  }
  const converged = () => waitFor('the demo world converged', () => {
    try {
      assertConverged(sb as Sandbox);
      return true;
    } catch {
      return false;
    }
  });

  it('serves /healthz, /readyz (503 until the first reconcile, then 200) and /metrics', async () => {
    const sandbox = sb as Sandbox;
    sandbox.setFaults({ latencyMs: 200 }); // holds the first pass long enough to see /readyz say no
    const { url } = await startDaemon();
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok\n');
    const early = await fetch(`${url}/readyz`);
    assert.equal(early.status, 503);
    assert.match(await early.text(), /^not ready: (no valid desired state loaded yet|first reconcile not finished)\n$/);

    sandbox.setFaults({ latencyMs: 0 });
    await waitForAsync('/readyz 200', async () => (await fetch(`${url}/readyz`)).status === 200);
    assert.equal(await (await fetch(`${url}/readyz`)).text(), 'ok: enforcing 11 targets\n');
    await converged();

    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    assert.ok(samples(text, 'process_cpu_user_seconds_total').length === 1, 'default process metrics are served');
    assert.deepEqual(samples(text, 'workspace_reconciler_desired_state_info').map((s) => s.labels), [{ revision: 'unknown', files: '5', documents: '6', targets: '11' }]);
    const associated = samples(text, 'workspace_reconciler_aws_calls_total').find((s) => s.labels.operation === 'AssociateWorkspace' && s.labels.outcome === 'success');
    assert.equal(associated?.value, sandbox.calls.filter((c) => c.operation === 'AssociateWorkspace').length);
    assert.equal((await fetch(`${url}/nope`)).status, 404);
  });

  it('picks up a file edit without a restart', async () => {
    const sandbox = sb as Sandbox;
    const { cli: c } = await startDaemon();
    await converged();
    await edit(join(desired(), 'workspaces', 'call-center.yaml'), addSlackToCallCenter);
    await waitFor('Slack on the call-center WorkSpaces', () => slackEverywhereInCallCenter(sandbox));
    assert.deepEqual(logged(c, 'desired state applied').map((l) => l.reason), ['start', 'file change']);
  });

  it('SIGHUP reloads the desired state and observes everything again (here with --no-watch)', async () => {
    const sandbox = sb as Sandbox;
    const { cli: c } = await startDaemon(['--no-watch']);
    await converged();
    await edit(join(desired(), 'workspaces', 'call-center.yaml'), addSlackToCallCenter);
    const mark = sandbox.calls.length;
    c.child.kill('SIGHUP');
    await waitFor('Slack on the call-center WorkSpaces', () => slackEverywhereInCallCenter(sandbox));
    assert.equal(logged(c, 'SIGHUP: reloading the desired state').length, 1);
    assert.deepEqual(logged(c, 'desired state applied').map((l) => l.reason), ['start', 'SIGHUP']);
    const after = sandbox.calls.slice(mark);
    assert.ok(after.some((c) => c.operation === 'SearchWorkspaceAssociations'), 'a new Connect scan');
    assert.ok(!mutatingCalls(after).some((op) => op.endsWith('Workspace')), 'Connect was converged already: rescanned, not changed');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: drains and exits 0`, async () => {
      const { cli: c } = await startDaemon();
      await converged();
      c.child.kill(signal);
      const r = await c.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(logged(c, 'shut down cleanly').length, 1);
      assertNoStackTrace(r.stderr);
    });
  }

  it('a second signal during a slow drain exits at once with 130', async () => {
    const sandbox = sb as Sandbox;
    const { cli: c } = await startDaemon(['--shutdown-timeout', '20s']);
    await converged();
    await waitFor('the first reconcile', () => logged(c, 'first reconcile finished').length === 1);
    // Every answer now takes 4 s: the resync's scans are in flight when the signals come.
    sandbox.setFaults({ latencyMs: 4000 });
    c.child.kill('SIGHUP');
    await waitFor('the resync', () => logged(c, 'full resync').length === 1);
    c.child.kill('SIGTERM');
    await waitFor('the drain', () => logged(c, 'shutting down: no new work, finishing calls in flight').length === 1);
    const t0 = Date.now();
    c.child.kill('SIGTERM');
    const r = await c.done;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - t0 < 2000, `exited ${Date.now() - t0} ms after the second signal`);
    assert.equal(logged(c, 'second signal: exiting now').length, 1);
    assert.equal(logged(c, 'shut down cleanly').length, 0);
  });

  it('--shutdown-timeout bounds the drain: calls still in flight are abandoned, exit 0', async () => {
    const sandbox = sb as Sandbox;
    const { cli: c } = await startDaemon(['--shutdown-timeout', '300ms']);
    await converged();
    await waitFor('the first reconcile', () => logged(c, 'first reconcile finished').length === 1);
    sandbox.setFaults({ latencyMs: 4000 });
    c.child.kill('SIGHUP');
    await waitFor('the resync', () => logged(c, 'full resync').length === 1);
    const t0 = Date.now();
    c.child.kill('SIGTERM');
    const r = await c.done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - t0 < 2500, `exited ${Date.now() - t0} ms after the signal:\n${r.stderr}`);
    assert.deepEqual(logged(c, 'shutdown timeout: calls still in flight were abandoned').map((l) => l.drained), [false]);
  });

  it('SIGTERM while the first load is still observing AWS: exits 0 promptly', async () => {
    const sandbox = sb as Sandbox;
    // The start's --max-prune check observes the prune targets: 500 ms per answer.
    sandbox.setFaults({ latencyMs: 500 });
    const { cli: c } = await startDaemon();
    c.child.kill('SIGTERM');
    const t0 = Date.now();
    const r = await c.done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - t0 < 3000, `exited ${Date.now() - t0} ms after the signal`);
    assert.equal(logged(c, 'shut down cleanly').length, 1);
    assert.deepEqual(mutatingCalls(sandbox.calls), [], 'the reconcile never started');
  });

  it('SIGTERM during the region lookup, before it even listens: exits 0 (the handlers are in place before any await)', async () => {
    // The region comes from the AWS config file when AWS_REGION is unset; a FIFO as that file holds
    // the lookup open until the test writes it, so the signal lands at a known moment, every time.
    // (Before the fix the handlers were installed after the listen: the default action killed it.)
    const fifo = join(dir as string, 'aws-config');
    execFileSync('mkfifo', [fifo]);
    cli = await startCli(['run', desired(), '--listen', '127.0.0.1:0', ...FAST], { env: cliEnv(dir as string, sb, { AWS_REGION: undefined, AWS_CONFIG_FILE: fifo }) });
    const c = cli;
    const fd = await openWhenRead(fifo);
    c.child.kill('SIGTERM');
    await waitFor('the shutdown', () => logged(c, 'shutting down: no new work, finishing calls in flight').length > 0 || c.child.exitCode !== null || c.child.signalCode !== null);
    // Let the lookup finish (EPIPE when the process is gone already: nothing to do then).
    write(fd, '[default]\nregion = us-east-1\n', () => close(fd, () => undefined));
    const r = await c.done;
    assert.deepEqual([r.code, r.signal], [0, null], r.stderr);
    assert.deepEqual(logged(c, 'shut down cleanly').map((l) => l.drained), [true]);
    assert.equal(logged(c, 'daemon starting').length, 0, 'it stopped before listening');
    assert.deepEqual((sb as Sandbox).calls, []);
  });

  describe('the overlap lock (shared with apply, keyed on where the desired state lives)', () => {
    const lockFiles = async () => (await readdir(dir as string)).filter((f) => /^workspace-reconciler-[0-9a-f]{16}\.lock$/.test(f));

    it('is held while it runs: a second run on the same directory, spelled differently, exits 1; SIGTERM releases it', async () => {
      const { cli: first } = await startDaemon();
      await waitFor('the first reconcile', () => logged(first, 'first reconcile finished').length === 1);
      const key = await lockKeyOf([desired()]);
      assert.deepEqual(await lockFiles(), [`workspace-reconciler-${key}.lock`]);
      const record = JSON.parse(await readFile(join(dir as string, `workspace-reconciler-${key}.lock`), 'utf8')) as { pid: number; paths: string[] };
      assert.deepEqual([record.pid, record.paths], [first.child.pid, [desired()]]);

      const second = await runCli(['run', `${join(desired(), 'connect', '..')}/`, '--listen', '127.0.0.1:0', ...FAST], { env: env() });
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, new RegExp(`^error: another workspace-reconciler apply or run is working on this desired state \\(pid ${first.child.pid}, started \\S+; lock file ${literal(dir as string)}/workspace-reconciler-${key}\\.lock\\)$`, 'm'));
      assertNoStackTrace(second.stderr);
      assert.equal(logged(first, 'daemon starting').length, 1, 'the first one is undisturbed');
      assert.equal(first.child.exitCode, null);

      first.child.kill('SIGTERM');
      assert.equal((await first.done).code, 0);
      assert.deepEqual(await lockFiles(), [], 'released on exit');
    });

    it('an apply on the same desired state is refused while the daemon runs', async () => {
      const { cli: daemon } = await startDaemon();
      await waitFor('the first reconcile', () => logged(daemon, 'first reconcile finished').length === 1);
      const r = await runCli(['apply', `${desired()}/`, ...FAST], { env: env() });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^error: another workspace-reconciler apply or run is working on this desired state \\(pid ${daemon.child.pid}, `, 'm'));
    });

    it('after a reload that changes the targets, an apply of the current checkout is still refused', async () => {
      const { cli: daemon } = await startDaemon();
      await waitFor('the first reconcile', () => logged(daemon, 'first reconcile finished').length === 1);
      const extra = [
        'apiVersion: workspace-reconciler/v1',
        'kind: WorkSpaceApplications',
        'metadata:',
        '  name: lock-reload-extra',
        'spec:',
        '  region: us-east-1',
        '  workspaceIds: [ws-lockreload1]',
        '  applicationIds: [wsa-chrome0001]',
        '',
      ].join('\n');
      await writeFile(join(desired(), 'workspaces', 'extra.yaml'), extra);
      await waitFor('the reload', () => logged(daemon, 'desired state applied').some((l) => l.reason === 'file change'));
      const r = await runCli(['apply', desired(), ...FAST], { env: env() });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^error: another workspace-reconciler apply or run is working on this desired state \\(pid ${daemon.child.pid}, `, 'm'));
    });

    it('a lock held at start (an apply is working): exit 1 with its message, no AWS call', async () => {
      // This test process plays the apply: a live pid holding the lock of the same targets.
      const held = await acquireLock({ key: await lockKeyOf([desired()]), dir, paths: ['elsewhere'] });
      try {
        const r = await runCli(['run', desired(), '--listen', '127.0.0.1:0', ...FAST], { env: env() });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, new RegExp(`^error: another workspace-reconciler apply or run is working on this desired state \\(pid ${process.pid}, started \\S+; lock file ${literal(held.path)}\\)$`, 'm'));
        assertNoStackTrace(r.stderr);
        assert.deepEqual((sb as Sandbox).calls, []);
      } finally {
        await held.release();
      }
    });
  });

  it('a prune target that cannot be observed at start: exit 1 promptly, no changes', async () => {
    const sandbox = sb as Sandbox;
    sandbox.setFaults({ errorRate: 1, operations: ['SearchWorkspaceAssociations'] });
    cli = await startCli(['run', desired(), '--listen', '127.0.0.1:0', ...FAST], { env: env() });
    const r = await cli.done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /"why":"cannot check --max-prune: [^"]*could not be observed \(InternalServiceException: [^"]*","enforcing":"nothing yet","msg":"desired state not applied"/);
    assert.match(r.stderr, /^error: the desired state could not be loaded at start \(see the errors above\); not starting$/m);
    assert.ok(r.durationMs < 4000, `took ${r.durationMs} ms`);
    assert.deepEqual(mutatingCalls(sandbox.calls), []);
  });

  describe('refuses to start', () => {
    let busy: Server | undefined;
    afterEach(async () => {
      await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()));
      busy = undefined;
    });
    const cases: { reason: string; args: () => Promise<string[]>; prepare?: () => Promise<void>; env?: Record<string, string>; stderr: RegExp[] }[] = [
      {
        reason: 'an invalid desired state: the problems, exit 1, no AWS call',
        args: async () => ['--listen', '127.0.0.1:0'],
        prepare: () => edit(join(desired(), 'connect', 'supervisors.yaml'), (t) => t.replace('  prune: true', '  prunne: true')),
        stderr: [/"problem":"[^"]*supervisors\.yaml:\d+:\d+: spec: unknown field 'prunne'[^"]*","msg":"desired state invalid"/, /^error: the desired state could not be loaded at start \(see the errors above\); not starting$/m],
      },
      {
        reason: 'a bad --listen value: one line, exit 1',
        args: async () => ['--listen', 'localhost'],
        stderr: [/^error: option '--listen <host:port>' argument 'localhost' is invalid\. expected HOST:PORT such as 127\.0\.0\.1:9464, got 'localhost'$/m],
      },
      {
        reason: 'an --interval of 0 (a resync hot loop): one line, exit 1',
        args: async () => ['--interval', '0'],
        stderr: [/^error: option '--interval <duration>' argument '0' is invalid\. expected a duration of at least 1s, got '0'$/m],
      },
      {
        reason: 'a --poll-interval under 10ms: one line, exit 1',
        args: async () => ['--poll-interval', '1ms'],
        stderr: [/^error: option '--poll-interval <duration>' argument '1ms' is invalid\. expected a duration of at least 10ms, got '1ms'$/m],
      },
      {
        reason: 'AWS_MAX_ATTEMPTS that is not a number: one line, exit 1',
        args: async () => ['--listen', '127.0.0.1:0'],
        env: { AWS_MAX_ATTEMPTS: 'abc' },
        stderr: [/^error: AWS_MAX_ATTEMPTS must be a whole number >= 1, got 'abc'\n$/],
      },
      {
        reason: 'an AWS_REGION that is not a region: one line naming it, exit 1',
        args: async () => ['--listen', '127.0.0.1:0'],
        env: { AWS_REGION: 'us east 1' },
        stderr: [/^error: AWS_REGION 'us east 1' is not a valid region \(expected a name such as us-east-1\)\n$/],
      },
      {
        reason: 'a port in use: "cannot listen", exit 1',
        args: async () => {
          const server = createServer();
          busy = server;
          await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
          return ['--listen', `127.0.0.1:${(server.address() as { port: number }).port}`];
        },
        stderr: [/^error: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/m],
      },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        await tc.prepare?.();
        const r = await runCli(['run', desired(), ...(await tc.args()), ...FAST], { env: cliEnv(dir as string, sb, tc.env) });
        assert.equal(r.code, 1, r.stderr);
        for (const re of tc.stderr) assert.match(r.stderr, re);
        assertNoStackTrace(r.stderr);
        assert.deepEqual((sb as Sandbox).calls, []);
      });
    }
  });
});
