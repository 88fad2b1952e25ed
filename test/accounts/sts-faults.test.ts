/**
 * STS at its worst, from the sandbox's STS faults: a throttled AssumeRole is retried with the
 * target, never taken for a refused role (which would fail the account's targets for a minute);
 * a 5xx is retried by the SDK; an AssumeRole that never answers is bounded by the call deadline.
 */
import assert from 'node:assert/strict';
import { ListUsersCommand } from '@aws-sdk/client-connect';
import { AccountCredentialsError, AccountCredentialsRetryable } from '../../src/providers/accounts.js';
import { ClientFactory } from '../../src/providers/clients.js';
import type { AccountSpec } from '../../src/model/desired.js';
import { assertFaults, SandboxOptionError, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { FaultOptions } from '../../src/sandbox/index.js';
import { accountsSeed, BASE_KEY, EXTERNAL_ID, INSTANCE, PROD, PROD_ROLE, REGION } from './world.js';

const at = { file: 'a.yaml', line: 1, col: 1 };
const prod: AccountSpec = { name: 'prod', id: PROD, roleArn: PROD_ROLE, externalId: EXTERNAL_ID, sessionName: 'workspace-reconciler', location: at };

describe('accounts: STS faults (sandbox STS, real SDK)', () => {
  let sb: Sandbox;
  let clients: ClientFactory | undefined;
  afterEach(async () => {
    clients?.destroy();
    clients = undefined;
    await sb?.close();
    sb = undefined as unknown as Sandbox;
  });
  const start = async (faults: FaultOptions, o: { maxAttempts?: number; callTimeoutMs?: number } = {}) => {
    sb = await startSandbox({ seed: accountsSeed(), quotas: false, faults });
    clients = new ClientFactory({ maxAttempts: o.maxAttempts ?? 1, transientBackoffMs: () => 1, stsRegion: REGION, ...(o.callTimeoutMs ? { callTimeoutMs: o.callTimeoutMs } : {}), overrides: { endpoint: sb.endpoint, credentials: { accessKeyId: BASE_KEY, secretAccessKey: 'x' } } });
    clients.setAccounts([prod]);
    return clients;
  };
  const listUsers = (c: ClientFactory) => c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
  const assumeRoles = () => sb.calls.filter((x) => x.operation === 'AssumeRole');

  it('a throttled AssumeRole is retryable, not a refusal: nothing is remembered and the next call assumes the role', async () => {
    const c = await start({ scriptedErrors: [{ service: 'sts', operation: 'AssumeRole', code: 'Throttling', times: 1 }] });
    const e = await listUsers(c).then(() => assert.fail('expected the throttle'), (err: unknown) => err);
    assert.ok(e instanceof AccountCredentialsRetryable, String(e));
    assert.ok(!(e instanceof AccountCredentialsError));
    assert.equal(e.kind, 'retryable');
    assert.equal(e.code, 'Throttling');
    assert.ok(!sb.calls.some((x) => x.service === 'connect'), 'nothing sent without credentials');
    await listUsers(c);
    assert.deepEqual(assumeRoles().map((x) => x.status), [400, 200]);
    assert.equal(sb.calls.filter((x) => x.service === 'connect' && x.status === 200).length, 1);
  });

  it('an STS 5xx is retried by the SDK within the call', async () => {
    const c = await start({ scriptedErrors: [{ service: 'sts', operation: 'AssumeRole', code: 'InternalFailure', times: 1 }] }, { maxAttempts: 2 });
    await listUsers(c);
    assert.deepEqual(assumeRoles().map((x) => x.status), [500, 200]);
  });

  it('an AssumeRole that never answers is bounded by the call deadline: a retryable failure, then a normal call', async () => {
    const c = await start({ hangs: [{ operation: 'AssumeRole', times: 1 }] }, { callTimeoutMs: 300 });
    const e = await listUsers(c).then(() => assert.fail('expected the deadline'), (err: unknown) => err);
    assert.ok(e instanceof AccountCredentialsRetryable, String(e));
    await listUsers(c);
    assert.equal(assumeRoles().filter((x) => x.status === 200).length, 1);
  });

  it('probabilistic faults reach STS only when `operations` names its operation', async () => {
    const c = await start({ throttleRate: 1, operations: ['ListUsers'] });
    // Every ListUsers is throttled, but AssumeRole is not: the throttle comes from Connect.
    const e = await listUsers(c).then(() => assert.fail('expected a throttle'), (err: unknown) => err);
    assert.equal((e as { name?: string }).name, 'ThrottlingException');
    assert.deepEqual(assumeRoles().map((x) => x.status), [200]);
  });

  it('scripted STS errors are checked: an STS code only for STS', () => {
    assert.doesNotThrow(() => assertFaults({ scriptedErrors: [{ service: 'sts', operation: 'AssumeRole', code: 'RegionDisabledException' }] }));
    assert.throws(() => assertFaults({ scriptedErrors: [{ service: 'sts', operation: 'AssumeRole', code: 'AccessDeniedException' }] }), SandboxOptionError);
    assert.throws(() => assertFaults({ scriptedErrors: [{ service: 'connect', operation: 'ListUsers', code: 'Throttling' }] }), SandboxOptionError);
  });
});
