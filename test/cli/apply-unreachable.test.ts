/** apply when AWS cannot be used at all: exit 1 at once (nothing attempted), with a hint; never a wait until --timeout. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { assertNoStackTrace, closedPort, FAST, parseJson, runCli, perTest, startCli, waitFor } from './helpers.js';

/** Observation failures are about targets known before AWS is asked: the documents by id. */
const LONDON_BY_ID = 'test/fixtures/demo-by-id/connect/london.yaml';

describe('cli: apply when nothing can be attempted', () => {
  const t = perTest();

  const cases: { reason: string; env: () => Promise<Record<string, string | undefined>>; hint: RegExp }[] = [
    {
      reason: 'no credentials anywhere',
      env: async () => ({ AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' }),
      hint: /^hint: no AWS credentials were found/m,
    },
    {
      reason: 'a closed port',
      env: async () => {
        const dead = `http://127.0.0.1:${await closedPort()}`;
        return { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_ENDPOINT_URL_CONNECT: dead, AWS_ENDPOINT_URL_WORKSPACES: dead, AWS_MAX_ATTEMPTS: '1' };
      },
      hint: /^hint: the AWS endpoint cannot be reached/m,
    },
  ];
  // The same document by id (the observation is the first call) and by name (the look-up is).
  const spellings = [
    { by: 'by id', file: LONDON_BY_ID, error: /^error: cannot observe any of the 1 target .*Nothing was changed\.$/m },
    { by: 'by name', file: 'examples/connect/london.yaml', error: /^error: cannot resolve the names of the desired state \(first: ListWorkspaces: .*\)\. Nothing was changed\.$/m },
  ];
  for (const tc of cases) {
    for (const sp of spellings) {
      it(`${tc.reason}, ${sp.by}: exit 1 within seconds, "Nothing was changed", one hint, no stack trace`, async () => {
        const r = await runCli(['apply', sp.file, ...FAST], { env: t.env(await tc.env()) });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.ok(r.durationMs < 15_000, `took ${r.durationMs} ms`);
        assert.match(r.stderr, sp.error);
        assert.match(r.stderr, tc.hint);
        assertNoStackTrace(r.stderr);
      });
    }
  }

  it('a target AWS says does not exist, beside one that converges: exit 2 (a terminal failure of that target), and the report says so', async () => {
    await t.world();
    // The unknown instance answers ResourceNotFound to the scan: that target is never observed.
    const ghost = join(t.dir, 'ghost.yaml');
    await writeFile(
      ghost,
      'apiVersion: workspace-reconciler/v1\nkind: ConnectWorkspaceAssociations\nmetadata:\n  name: ghost\nspec:\n  region: us-east-1\n' +
        '  instanceId: 00000000-0000-0000-0000-00000000dead\n  workspaceId: w-1\n  resourceArns:\n' +
        '    - arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-0000-0000-00000000dead/agent/u-1\n',
    );
    const r = await runCli(['apply', ghost, 'test/fixtures/demo-by-id/workspaces', ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(report.notObserved, 0);
    assert.equal(report.converged, false);
    assert.ok(report.failures.some((f: { code: string; terminal: boolean }) => f.code === 'ResourceNotFoundException' && f.terminal));
  });
});

/**
 * An endpoint that accepts connections and never answers. Before: `apply --timeout 3s` was still
 * running after 11 minutes, ignored SIGTERM and kept its lock.
 */
describe('cli: apply against an endpoint that never answers', function () {
  this.timeout(60_000);
  const t = perTest();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });
  async function hungEndpoint(): Promise<Record<string, string>> {
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    return { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_ENDPOINT_URL_CONNECT: url, AWS_ENDPOINT_URL_WORKSPACES: url };
  }

  it('--timeout 2s ends the run (exit 1: nothing could be attempted) and releases the lock, so the next apply is not locked out', async () => {
    const env = t.env(await hungEndpoint());
    const r = await runCli(['apply', LONDON_BY_ID, ...FAST, '--timeout', '2s', '--output', 'json'], { env });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(report.timedOut, true);
    assert.equal(report.notObserved, 1);
    const again = await runCli(['apply', LONDON_BY_ID, ...FAST, '--timeout', '1s'], { env });
    assert.doesNotMatch(again.stderr, /another workspace-reconciler/);
  });

  it('plan --call-timeout 300ms: every attempt times out, plan exits 1 with the unreachable hint instead of hanging', async () => {
    const env = t.env({ ...(await hungEndpoint()), AWS_MAX_ATTEMPTS: '2' });
    const r = await runCli(['plan', LONDON_BY_ID, '--call-timeout', '300ms'], { env });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /ETIMEDOUT|TimeoutError/);
  });

  it('SIGTERM while the first observation hangs: exits, releasing the lock', async () => {
    const env = t.env(await hungEndpoint());
    const cli = await startCli(['apply', LONDON_BY_ID, ...FAST, '--timeout', '10m'], { env });
    await waitFor('a connection', () => sockets.size > 0);
    cli.child.kill('SIGTERM');
    const r = await cli.done;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const again = await runCli(['apply', LONDON_BY_ID, ...FAST, '--timeout', '1s'], { env });
    assert.doesNotMatch(again.stderr, /another workspace-reconciler/);
  });
});
