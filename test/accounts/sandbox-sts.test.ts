/**
 * The sandbox's STS over its real wire protocol (awsQuery), through the real SDK: GetCallerIdentity,
 * AssumeRole and its refusals (parsed from STS's XML errors), and the account of a request chosen
 * by the access key of its signature, so assumed-role credentials land in the role's account.
 */
import assert from 'node:assert/strict';
import { ListUsersCommand, ConnectClient } from '@aws-sdk/client-connect';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeWorkspacesCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { accountsSeed, BASE, BASE_KEY, EXTERNAL_ID, LOCKED_ROLE, PROD, PROD_ROLE, REGION } from './world.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

describe('sandbox STS (awsQuery) and accounts chosen by access key', () => {
  let sb: Sandbox;
  const clock = { now: Date.UTC(2026, 10, 21) };
  before(async () => {
    sb = await startSandbox({ seed: accountsSeed({ strict: true, sessionSeconds: 900 }), quotas: false, now: () => clock.now });
  });
  after(() => sb.close());
  const base: Creds = { accessKeyId: BASE_KEY, secretAccessKey: 'x' };
  const sts = (credentials: Creds) => new STSClient({ region: REGION, endpoint: sb.endpoint, credentials, maxAttempts: 1 });
  const assume = (credentials: Creds, input: { RoleArn: string; ExternalId?: string }) =>
    sts(credentials).send(new AssumeRoleCommand({ RoleSessionName: 'workspace-reconciler', ...input }));
  async function refusal(p: Promise<unknown>) {
    try {
      await p;
    } catch (e) {
      return e as Error & { name: string; $metadata: { httpStatusCode?: number } };
    }
    assert.fail('expected a refusal');
  }

  it('GetCallerIdentity names the account of the signing key', async () => {
    const id = await sts(base).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, BASE);
    assert.equal(id.Arn, `arn:aws:iam::${BASE}:user/sandbox`);
    assert.equal(sb.calls.at(-1)?.service, 'sts');
  });

  it('AssumeRole issues temporary credentials that act in the role account, with the seeded lifetime', async () => {
    const r = await assume(base, { RoleArn: PROD_ROLE, ExternalId: EXTERNAL_ID });
    const c = r.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA/);
    assert.ok(c.SessionToken && c.SecretAccessKey);
    assert.equal(c.Expiration?.getTime(), clock.now + 900_000);
    assert.equal(r.AssumedRoleUser?.Arn, `arn:aws:sts::${PROD}:assumed-role/workspace-reconciler/workspace-reconciler`);
    const creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    assert.equal((await sts(creds).send(new GetCallerIdentityCommand({}))).Account, PROD);
    await new ConnectClient({ region: REGION, endpoint: sb.endpoint, credentials: creds, maxAttempts: 1 }).send(new ListUsersCommand({ InstanceId: '4c1b2f0e-1111-2222-3333-444455556666' }));
    assert.equal(sb.calls.at(-1)?.operation, 'ListUsers');
    assert.equal(sb.calls.at(-1)?.accountId, PROD);
    // The record of AssumeRole holds what was asked, never what was issued.
    const rec = sb.calls.find((x) => x.operation === 'AssumeRole')!;
    assert.deepEqual(Object.keys(rec.input).sort(), ['DurationSeconds', 'ExternalId', 'RoleArn', 'RoleSessionName'].filter((k) => k in rec.input).sort());
    assert.ok(!JSON.stringify(sb.calls).includes(c.SecretAccessKey!) && !JSON.stringify(sb.calls).includes(c.SessionToken!));
  });

  const refused = [
    { reason: 'a wrong external id is AccessDenied', input: { RoleArn: PROD_ROLE, ExternalId: 'someone-else' }, code: 'AccessDenied', status: 403 },
    { reason: 'a missing external id is AccessDenied', input: { RoleArn: PROD_ROLE }, code: 'AccessDenied', status: 403 },
    { reason: 'a role that does not exist is AccessDenied', input: { RoleArn: `arn:aws:iam::${PROD}:role/nobody`, ExternalId: EXTERNAL_ID }, code: 'AccessDenied', status: 403 },
    { reason: 'a role whose trust does not name the caller is AccessDenied', input: { RoleArn: LOCKED_ROLE }, code: 'AccessDenied', status: 403 },
    { reason: 'a malformed role ARN is a ValidationError', input: { RoleArn: 'arn:aws:iam::12:role/x-but-long-enough' }, code: 'ValidationError', status: 400 },
  ];
  for (const tc of refused) {
    it(tc.reason, async () => {
      const e = await refusal(assume(base, tc.input));
      assert.equal(e.name, tc.code);
      assert.equal(e.$metadata.httpStatusCode, tc.status);
      assert.equal(sb.calls.at(-1)?.errorCode, tc.code);
    });
  }

  it('an unknown access key is refused by every service, as AWS refuses a key it never issued', async () => {
    const stranger = { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' };
    assert.equal((await refusal(sts(stranger).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
    assert.equal((await refusal(new ConnectClient({ region: REGION, endpoint: sb.endpoint, credentials: stranger, maxAttempts: 1 }).send(new ListUsersCommand({ InstanceId: 'i' })))).name, 'UnrecognizedClientException');
    assert.equal((await refusal(new WorkSpacesClient({ region: REGION, endpoint: sb.endpoint, credentials: stranger, maxAttempts: 1 }).send(new DescribeWorkspacesCommand({})))).name, 'UnrecognizedClientException');
    // A session key STS never issued is no better.
    const forged = { accessKeyId: 'ASIAFORGED000000', secretAccessKey: 'x', sessionToken: 't' };
    assert.equal((await refusal(sts(forged).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
  });

  it('expired temporary credentials are refused (ExpiredToken at STS, ExpiredTokenException at Connect)', async () => {
    const c = (await assume(base, { RoleArn: PROD_ROLE, ExternalId: EXTERNAL_ID })).Credentials!;
    const creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    clock.now += 900_000;
    assert.equal((await refusal(sts(creds).send(new GetCallerIdentityCommand({})))).name, 'ExpiredToken');
    assert.equal((await refusal(new ConnectClient({ region: REGION, endpoint: sb.endpoint, credentials: creds, maxAttempts: 1 }).send(new ListUsersCommand({ InstanceId: 'i' })))).name, 'ExpiredTokenException');
    // And a session token that is not the key's is refused like an unknown key.
    clock.now -= 900_000;
    const wrong = { ...creds, sessionToken: 'not-the-token' };
    assert.equal((await refusal(sts(wrong).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
  });
});
