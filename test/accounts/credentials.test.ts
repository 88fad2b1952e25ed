/**
 * Credentials per account through the ClientFactory, with the real SDK against the sandbox's STS:
 * cached, refreshed before expiry on the injected clock (counted in the sandbox's call log: one
 * AssumeRole per credential lifetime, never one per call), refusals as terminal errors that are
 * remembered, an expired source session, one GetCallerIdentity, and queues per account.
 */
import assert from 'node:assert/strict';
import { ListUsersCommand } from '@aws-sdk/client-connect';
import { DescribeWorkspacesCommand } from '@aws-sdk/client-workspaces';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AccountSpec } from '../../src/model/desired.js';
import { AccountCredentialsError } from '../../src/providers/accounts.js';
import { ClientFactory } from '../../src/providers/clients.js';
import { AwsCallError } from '../../src/providers/errors.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { accountsSeed, BASE, BASE_KEY, CI_ROLE, EXTERNAL_ID, INSTANCE, LOCKED, LOCKED_ROLE, PROD, PROD_ROLE, REGION, REGION2 } from './world.js';

const at = { file: 'a.yaml', line: 1, col: 1 };
const prod: AccountSpec = { name: 'prod', id: PROD, roleArn: PROD_ROLE, externalId: EXTERNAL_ID, sessionName: 'workspace-reconciler', location: at };
const locked: AccountSpec = { name: 'locked', id: LOCKED, roleArn: LOCKED_ROLE, sessionName: 'workspace-reconciler', location: at };

describe('accounts: assumed-role credentials per account (ClientFactory, sandbox STS)', () => {
  let sb: Sandbox;
  let clients: ClientFactory | undefined;
  // An hour behind the wall clock, so that the SDK's own 5-minute expiry window always asks our
  // cache, and the refresh is decided on this clock alone.
  const clock = { t: Date.now() - 3_600_000, now: () => clock.t, setTimer: () => ({ cancel: () => undefined }) };
  beforeEach(async () => {
    sb = await startSandbox({ seed: accountsSeed({ strict: true, sessionSeconds: 120 }), quotas: false, now: () => clock.t });
  });
  afterEach(async () => {
    clients?.destroy();
    await sb.close();
  });
  const factory = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { accessKeyId: BASE_KEY, secretAccessKey: 'x' }) =>
    (clients = new ClientFactory({ clock, refreshMarginMs: 30_000, maxAttempts: 1, stsRegion: REGION, overrides: { endpoint: sb.endpoint, credentials } }));
  const assumeRoles = (role: string) => sb.calls.filter((c) => c.operation === 'AssumeRole' && c.input.RoleArn === role).length;

  it('a long run: credentials are refreshed before they expire, one AssumeRole per lifetime, shared by every client of the account', async () => {
    const c = factory();
    c.setAccounts([prod]);
    // 41 calls 10 s apart (400 s) over two services and two regions; credentials live 120 s and are refreshed 30 s before.
    for (let i = 0; i <= 40; i++) {
      if (i % 3 === 0) await c.workspaces(REGION2, PROD).send(new DescribeWorkspacesCommand({}));
      else await c.connect(i % 2 ? REGION : REGION2, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
      clock.t += 10_000;
    }
    const calls = sb.calls.filter((x) => x.service !== 'sts');
    assert.equal(calls.length, 41);
    assert.ok(calls.every((x) => x.status === 200 && x.accountId === PROD), 'every call acted in prod, none refused as expired');
    // Assumed at 0 s, then at 90, 180, 270 and 360 s (each time 30 s before the 120 s lifetime ends).
    assert.equal(assumeRoles(PROD_ROLE), 5);
    assert.equal(c.assumedRole(PROD)?.assumeRoleCalls, 5);
  });

  it('without the refresh the same run would fail: the sandbox refuses credentials past their expiry', async () => {
    const c = factory();
    c.setAccounts([prod]);
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    const issued = sb.issuedCredentials()[0]!;
    clock.t = issued.expiresAt;
    const stale = new STSClient({ region: REGION, endpoint: sb.endpoint, credentials: issued, maxAttempts: 1 });
    await assert.rejects(stale.send(new AssumeRoleCommand({ RoleArn: PROD_ROLE, RoleSessionName: 'x1', ExternalId: EXTERNAL_ID })), { name: 'ExpiredToken' });
    // Through the factory the expired credentials are never used: refreshed first.
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    assert.equal(sb.calls.filter((x) => x.operation === 'AssumeRole' && x.status === 200).length, 2);
    assert.equal(sb.calls.filter((x) => x.service === 'connect').at(-1)?.status, 200);
  });

  it('a role that cannot be assumed: a terminal AccountCredentialsError naming the role, sent nowhere, remembered for a minute', async () => {
    const c = factory();
    c.setAccounts([prod, locked]);
    const refused = async () => {
      try {
        await c.connect(REGION, LOCKED).send(new ListUsersCommand({ InstanceId: INSTANCE }));
      } catch (e) {
        return e;
      }
      assert.fail('expected a refusal');
    };
    const e = await refused();
    assert.ok(e instanceof AccountCredentialsError, String(e));
    assert.equal(e.kind, 'terminal');
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.operation, 'AssumeRole');
    assert.match(e.awsMessage, new RegExp(`cannot assume ${LOCKED_ROLE} for Account 'locked'`));
    await refused();
    await refused();
    assert.equal(assumeRoles(LOCKED_ROLE), 1, 'the refusal is remembered');
    assert.ok(!sb.calls.some((x) => x.service === 'connect'), 'nothing was sent with the refused account');
    // The other account is not affected.
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    clock.t += 60_000;
    await refused();
    assert.equal(assumeRoles(LOCKED_ROLE), 2, 'asked again after the cooldown');
  });

  it('an expired source session (the base credentials) fails AssumeRole with ExpiredToken, terminal', async () => {
    const sts = new STSClient({ region: REGION, endpoint: sb.endpoint, credentials: { accessKeyId: BASE_KEY, secretAccessKey: 'x' }, maxAttempts: 1 });
    const source = (await sts.send(new AssumeRoleCommand({ RoleArn: CI_ROLE, RoleSessionName: 'ci-job' }))).Credentials!;
    clock.t += 121_000;
    const c = factory({ accessKeyId: source.AccessKeyId!, secretAccessKey: source.SecretAccessKey!, sessionToken: source.SessionToken! });
    c.setAccounts([prod]);
    await assert.rejects(c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE })), (e: unknown) => e instanceof AccountCredentialsError && e.code === 'ExpiredToken');
  });

  it('the default account is learnt once with GetCallerIdentity', async () => {
    const c = factory();
    assert.deepEqual(await Promise.all([c.defaultAccountId(), c.defaultAccountId()]), [BASE, BASE]);
    assert.equal(await c.defaultAccountId(), BASE);
    assert.equal(sb.calls.filter((x) => x.operation === 'GetCallerIdentity').length, 1);
  });

  it("every client shares one connection pool; dropping an account's clients on reload leaves the others' connections open", async () => {
    const c = factory();
    c.setAccounts([prod]);
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    await c.connect(REGION).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    const handler = c.connect(REGION).config.requestHandler;
    assert.equal(c.connect(REGION, PROD).config.requestHandler, handler);
    assert.equal(c.workspaces(REGION2, PROD).config.requestHandler, handler);
    // The pool's idle keep-alive sockets (the SDK handler's own agent).
    const idle = () => Object.values((handler as unknown as { config: { httpAgent: { freeSockets: Record<string, { destroyed: boolean }[]> } } }).config.httpAgent.freeSockets).flat();
    const open = () => idle().filter((s) => !s.destroyed).length;
    assert.ok(open() > 0);
    const before = open();
    c.setAccounts([]); // prod's clients are destroyed
    assert.equal(open(), before, 'no connection closed');
    await c.connect(REGION).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    const sockets = idle();
    c.destroy();
    assert.ok(sockets.length > 0 && sockets.every((s) => s.destroyed), "the factory's destroy closes them");
  });

  it('a reload keeps the credentials of an unchanged Account and drops those of a changed one', async () => {
    const c = factory();
    c.setAccounts([prod]);
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    c.setAccounts([{ ...prod }]);
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    assert.equal(assumeRoles(PROD_ROLE), 1);
    c.setAccounts([{ ...prod, sessionName: 'other-session' }]);
    await c.connect(REGION, PROD).send(new ListUsersCommand({ InstanceId: INSTANCE }));
    assert.equal(assumeRoles(PROD_ROLE), 2);
    assert.equal(sb.calls.filter((x) => x.operation === 'AssumeRole').at(-1)?.input.RoleSessionName, 'other-session');
  });
});

describe('accounts: the rate limiter keeps queues per account and region', () => {
  it('one operation in two accounts is two queues; without an account, the default one', async () => {
    const limiter = new RateLimiter();
    await limiter.call({ service: 'connect', region: REGION, operation: 'ListUsers', account: PROD }, async () => 1);
    await limiter.call({ service: 'connect', region: REGION, operation: 'ListUsers', account: LOCKED }, async () => 1);
    await limiter.call({ service: 'connect', region: REGION, operation: 'ListUsers' }, async () => 1);
    assert.deepEqual([...limiter.rates().keys()].sort(), [`connect/${REGION}/${PROD}/ListUsers`, `connect/${REGION}/${LOCKED}/ListUsers`, `connect/${REGION}/default/ListUsers`]);
    limiter.close();
  });

  it('an AssumeRole refusal is an AwsCallError the work queue understands (terminal, not retried)', () => {
    const e = new AccountCredentialsError({ service: 'connect', region: REGION, operation: 'AssumeRole', code: 'AccessDenied', awsMessage: 'x' });
    assert.ok(e instanceof AwsCallError);
    assert.equal(e.kind, 'terminal');
  });
});
