import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectClient, ListWorkspacesCommand } from '@aws-sdk/client-connect';
import { DescribeWorkspacesCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { CommanderError } from 'commander';
import { sandboxCommand } from '../../cmd/commands/sandbox.js';
import { assertNoStackTrace, cliEnv, removeDir, runCli, tempDir } from '../cli/helpers.js';
import { INSTANCE } from './helpers.js';

/** Runs the command in process; resolves with its output once it has stopped. */
async function run(args: string[], whileRunning?: (endpoint: string, stdout: string) => Promise<void>) {
  let stdout = '';
  let stderr = '';
  const abort = new AbortController();
  const cmd = sandboxCommand({
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    signal: abort.signal,
    onListening: (endpoint) => {
      void (whileRunning ?? (async () => undefined))(endpoint, stdout).finally(() => abort.abort());
    },
  })
    .exitOverride()
    .configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  let error: CommanderError | undefined;
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    error = e;
  }
  return { stdout, stderr, error };
}

describe('sandbox: the `sandbox` command', () => {
  it('prints the endpoint and the variables to export, answers the SDK, and stops on abort', async () => {
    let listed = 0;
    const { stdout, error } = await run(['--port', '0', '--no-quotas', '--step-delay', '5'], async (endpoint, out) => {
      assert.match(out, new RegExp(`export AWS_ENDPOINT_URL_CONNECT=${endpoint}\\n`));
      const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
      const config = { region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL_CONNECT, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } };
      listed = (await new ConnectClient(config).send(new ListWorkspacesCommand({ InstanceId: INSTANCE }))).WorkspaceSummaryList?.length ?? 0;
      const ws = await new WorkSpacesClient({ ...config, endpoint: env.AWS_ENDPOINT_URL_WORKSPACES }).send(new DescribeWorkspacesCommand({}));
      assert.equal(ws.Workspaces?.length, 7);
    });
    assert.equal(error, undefined);
    assert.equal(listed, 3);
    for (const v of ['AWS_ENDPOINT_URL_CONNECT', 'AWS_ENDPOINT_URL_WORKSPACES', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) assert.match(stdout, new RegExp(`^export ${v}=\\S+$`, 'm'));
  });

  it('--random-seed makes probabilistic faults repeatable: the same seed throttles the same calls', async () => {
    const pattern = async (seed: string) => {
      let seen = '';
      await run(['--port', '0', '--no-quotas', '--throttle-rate', '0.5', '--random-seed', seed], async (endpoint) => {
        const client = new ConnectClient({ region: 'us-east-1', endpoint, maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
        for (let i = 0; i < 20; i++) {
          const ok = await client.send(new ListWorkspacesCommand({ InstanceId: INSTANCE })).then(() => true, () => false);
          seen += ok ? '.' : 'T';
        }
        client.destroy();
      });
      return seen;
    };
    const a = await pattern('7');
    assert.equal(await pattern('7'), a);
    assert.match(a, /T/);
    assert.match(a, /\./);
    assert.notEqual(await pattern('8'), a);
  });

  const invalid = [
    { reason: 'a non-numeric port', args: ['--port', 'abc'], message: /--port <n>.*'abc' is invalid/ },
    { reason: 'a port out of range', args: ['--port', '70000'], message: /--port <n>.*'70000'/ },
    { reason: 'a probability above 1', args: ['--throttle-rate', '1.5'], message: /--throttle-rate <p>.*'1\.5'/ },
    { reason: 'a negative latency', args: ['--latency', '-5'], message: /--latency <ms>.*'-5'/ },
    { reason: 'a zero quota scale', args: ['--quota-scale', '0'], message: /--quota-scale <x>.*'0'/ },
    { reason: 'a missing seed file', args: ['--port', '0', '--seed', '/nonexistent.yaml'], message: /--seed <file>.*\/nonexistent\.yaml/ },
  ];
  for (const tc of invalid) {
    it(`fails with exit status 1 naming the option for ${tc.reason}`, async () => {
      const { stderr, error } = await run(tc.args);
      assert.equal(error?.exitCode, 1);
      assert.match(stderr, tc.message);
    });
  }

  it('a port in use: one line suggesting --port 0, exit 1, no usage hint (the built binary)', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    const dir = await tempDir('sandbox-port-');
    try {
      const r = await runCli(['sandbox', '--port', String(port)], { env: cliEnv(dir) });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `error: cannot listen on 127.0.0.1:${port}: the port is in use; choose another --port, or --port 0 for a free one\n`);
      assert.equal(r.stdout, '');
      assertNoStackTrace(r.stderr);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
      await removeDir(dir);
    }
  });

  it('loads a fault file and refuses an invalid one naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'failedList:\n  - {resourceArn: x, code: "9999"}\n');
    const r = await run(['--port', '0', '--fault-file', bad]);
    assert.equal(r.error?.exitCode, 1);
    assert.match(r.stderr, /--fault-file <file>.*bad\.yaml.*failedList\[0\]\.code/s);
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'scriptedErrors:\n  - {operation: ListWorkspaces, code: AccessDeniedException}\n');
    let name = '';
    await run(['--port', '0', '--fault-file', good, '--log-calls'], async (endpoint) => {
      const c = new ConnectClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
      name = await c.send(new ListWorkspacesCommand({ InstanceId: INSTANCE })).then(() => 'ok', (e: Error) => e.name);
    });
    assert.equal(name, 'AccessDeniedException');
  });

  it('runs as a process, serves the SDK, and exits 0 on SIGTERM', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'cli.ts'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^export AWS_REGION=.*$/m.test(out) ? /^export AWS_ENDPOINT_URL_CONNECT=(\S+)$/m.exec(out) : null;
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const c = new ConnectClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    assert.equal((await c.send(new ListWorkspacesCommand({ InstanceId: INSTANCE }))).WorkspaceSummaryList?.length, 3);
    c.destroy();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    assert.equal(code, 0);
  });
});
