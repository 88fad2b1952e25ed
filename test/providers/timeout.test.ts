/**
 * Every AWS call is bounded in time: against an endpoint that accepts connections and never
 * answers, each attempt fails at --call-timeout as a retryable TimeoutError (the SDK retries it
 * within its attempts), never a hang.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ClientFactory } from '../../src/providers/clients.js';
import { ConnectProvider } from '../../src/providers/connect/index.js';
import { AwsCallError } from '../../src/providers/errors.js';
import { WorkSpacesProvider } from '../../src/providers/workspaces/index.js';
import { SUPERVISORS, connectTarget, startHarness, workSpaceTarget, type Harness } from './fixtures.js';

describe('providers: every call is bounded by the call timeout', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();
  let connections = 0;
  before(async () => {
    server = createServer((s) => {
      connections++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const clients = () =>
    new ClientFactory({ callTimeoutMs: 100, maxAttempts: 2, transientBackoffMs: () => 1, overrides: { endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } } });

  it('a Connect scan fails as a retryable timeout after the SDK tried twice', async () => {
    const c = clients();
    const before = connections;
    const p = new ConnectProvider({ clients: c });
    const t = connectTarget('w-1');
    const out = await p.observe([t]);
    c.destroy();
    const o = out.get(t.key)!;
    assert.equal(o.ok, false);
    if (o.ok) return;
    assert.equal(o.error.kind, 'retryable');
    assert.ok(['ETIMEDOUT', 'TimeoutError'].includes(o.error.code), o.error.code);
    assert.equal(connections - before, 2, 'two attempts, each on a connection of its own');
  });

  it('a WorkSpaces call fails as a retryable timeout', async () => {
    const c = clients();
    const p = new WorkSpacesProvider({ clients: c });
    const t = workSpaceTarget('ws-abcdefgh01');
    await assert.rejects(
      p.execute({ type: 'deploy', target: t, force: false }),
      (err: unknown) => err instanceof AwsCallError && err.kind === 'retryable' && ['ETIMEDOUT', 'TimeoutError'].includes(err.code),
    );
    c.destroy();
  });

  it('refuses a call timeout that is not a positive number', () => {
    assert.throws(() => new ClientFactory({ callTimeoutMs: 0 }), /callTimeoutMs/);
  });
});

describe('sandbox hang faults against the call timeout', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a scripted hang of one scan: the attempt times out, the SDK tries again and the observation succeeds; close() frees the hung socket', async () => {
    h = await startHarness({ faults: { hangs: [{ operation: 'SearchWorkspaceAssociations', times: 1 }] } });
    const c = new ClientFactory({ callTimeoutMs: 150, maxAttempts: 3, transientBackoffMs: () => 1, overrides: { endpoint: h.sandbox.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } } });
    const t = connectTarget(SUPERVISORS);
    const out = await new ConnectProvider({ clients: c }).observe([t]);
    c.destroy();
    assert.equal(out.get(t.key)!.ok, true);
    assert.deepEqual(h.sandbox.calls.map((x) => x.fault ?? x.status), ['hang', 200]);
  });

  it('hangRate 1 on one operation: every attempt hangs, the call fails retryable; other operations answer', async () => {
    h = await startHarness({ faults: { hangRate: 1, operations: ['DeployWorkspaceApplications'] } });
    const c = new ClientFactory({ callTimeoutMs: 100, maxAttempts: 2, transientBackoffMs: () => 1, overrides: { endpoint: h.sandbox.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } } });
    const p = new WorkSpacesProvider({ clients: c });
    const t = workSpaceTarget('ws-eng0000001');
    await assert.rejects(p.execute({ type: 'deploy', target: t, force: false }), (err: unknown) => err instanceof AwsCallError && err.kind === 'retryable');
    const seen = await p.observe([t]);
    c.destroy();
    assert.equal(seen.get(t.key)!.ok, true);
    assert.deepEqual(h.sandbox.calls.map((x) => x.fault ?? x.status), ['hang', 'hang', 200]);
  });
});
