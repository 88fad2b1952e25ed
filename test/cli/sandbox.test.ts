/**
 * `sandbox` through the built binary. test/sandbox/cli.test.ts covers the command's options and
 * its fault file in depth (through a tsx fixture); this only checks that the shipped entry point
 * wires it up: the export lines, a real SDK call, exit 0 on SIGTERM.
 */
// This process's own SDK client (the binary's children get it through cliEnv).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import assert from 'node:assert/strict';
import { ConnectClient, ListWorkspacesCommand } from '@aws-sdk/client-connect';
import { cliEnv, removeDir, startCli, tempDir, waitFor } from './helpers.js';
import { INSTANCE } from './demo-world.js';

describe('cli: sandbox', () => {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('--port 0 prints the variables to export, answers the SDK, and exits 0 on SIGTERM', async () => {
    const cli = await startCli(['sandbox', '--port', '0', '--step-delay', '20'], { env: cliEnv(dir as string) });
    try {
      await waitFor('the export lines', () => /^# Stop with Ctrl-C\.$/m.test(cli.stdout) || cli.child.exitCode !== null);
      const env = Object.fromEntries([...cli.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
      assert.deepEqual(Object.keys(env).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL_CONNECT', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_WORKSPACES', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY']);
      assert.match(env.AWS_ENDPOINT_URL_CONNECT, /^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new ConnectClient({
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL_CONNECT,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
      });
      const out = await client.send(new ListWorkspacesCommand({ InstanceId: INSTANCE }));
      client.destroy();
      assert.deepEqual(out.WorkspaceSummaryList?.map((w) => w.Name).sort(), ['Billing desk', 'Supervisors', 'Support floor']);
    } finally {
      cli.child.kill('SIGTERM');
    }
    const r = await cli.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '# sandbox stopped\n');
  });
});
