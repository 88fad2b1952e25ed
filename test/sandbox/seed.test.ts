import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListUsersCommand } from '@aws-sdk/client-connect';
import { buildFleetSeed, demoSeedPath, fleetIds, SeedError, startSandbox } from '../../src/sandbox/index.js';
import { clients } from './helpers.js';

const account = (regions: unknown) => ({ accounts: [{ id: '123456789012', regions }] });

describe('sandbox: seed validation', () => {
  const cases: { reason: string; seed: unknown; problem: RegExp }[] = [
    { reason: 'not a mapping', seed: [1, 2], problem: /^seed: expected a mapping/ },
    { reason: 'no accounts', seed: { accounts: [] }, problem: /accounts: at least one account/ },
    { reason: 'missing accounts', seed: {}, problem: /seed\.accounts: required/ },
    { reason: 'an unknown top-level field (a typo never passes silently)', seed: { acounts: [] }, problem: /seed\.acounts: unknown field/ },
    { reason: 'a bad account id', seed: { accounts: [{ id: '12', regions: {} }] }, problem: /accounts\[0\]\.id: "12" does not match/ },
    { reason: 'a bad region name', seed: account({ 'moon-1': {} }), problem: /regions\.moon-1: "moon-1" does not match/ },
    { reason: 'a bad WorkSpace id', seed: account({ 'us-east-1': { workspaces: { workspaces: [{ id: 'ws-BAD' }] } } }), problem: /workspaces\[0\]\.id: "ws-BAD" does not match/ },
    { reason: 'an association of an application not in the catalog', seed: account({ 'us-east-1': { workspaces: { workspaces: [{ id: 'ws-abcdefgh01', applications: [{ id: 'wsa-abcdefgh01' }] }] } } }), problem: /not in this region's application catalog/ },
    { reason: 'ERROR without errorCode', seed: account({ 'us-east-1': { workspaces: { applications: [{ id: 'wsa-abcdefgh01', name: 'a' }], workspaces: [{ id: 'ws-abcdefgh01', applications: [{ id: 'wsa-abcdefgh01', state: 'ERROR' }] }] } } }), problem: /errorCode: required when state is ERROR/ },
    { reason: 'an unknown association state', seed: account({ 'us-east-1': { workspaces: { applications: [{ id: 'wsa-abcdefgh01', name: 'a' }], workspaces: [{ id: 'ws-abcdefgh01', applications: [{ id: 'wsa-abcdefgh01', state: 'DONE' }] }] } } }), problem: /state: "DONE" is not one of/ },
    { reason: 'a Connect association of an unknown user', seed: account({ 'us-east-1': { connect: { instances: [{ id: 'i1', workspaces: [{ id: 'w1', name: 'W', associations: ['u9'] }] }] } } }), problem: /associations\[0\]: u9 is not a user or routing profile of instance i1/ },
    { reason: 'a user without username', seed: account({ 'us-east-1': { connect: { instances: [{ id: 'i1', users: [{ id: 'u1' }] }] } } }), problem: /users\[0\]\.username: required/ },
    { reason: 'a bad visibility', seed: account({ 'us-east-1': { connect: { instances: [{ id: 'i1', workspaces: [{ id: 'w1', name: 'W', visibility: 'SOME' }] }] } } }), problem: /visibility: "SOME" is not one of/ },
    { reason: 'a bad fault code', seed: { ...account({}), faults: { failedList: [{ resourceArn: 'a', code: 'nope' }] } }, problem: /faults\.failedList\[0\]\.code/ },
    { reason: 'a bad deploy outcome error code', seed: { ...account({}), faults: { deployOutcomes: [{ applicationId: 'wsa-abcdefgh01', errorCode: 'Oops' }] } }, problem: /deployOutcomes\[0\]\.errorCode/ },
  ];
  for (const tc of cases) {
    it(`refuses ${tc.reason}`, async () => {
      const e = await startSandbox({ seed: tc.seed as never }).then(
        async (sb) => {
          await sb.close();
          throw new Error('the seed was accepted');
        },
        (err: unknown) => err,
      );
      assert.ok(e instanceof SeedError, String(e));
      assert.ok(e.problems.some((p) => tc.problem.test(p)), e.problems.join('\n'));
    });
  }

  it('reports every problem at once', async () => {
    const e = await startSandbox({ seed: { accounts: [{ id: 'x', regions: { 'us-east-1': { connect: { instances: [{ users: [] }] } } }, extra: 1 }] } as never }).catch((x: unknown) => x);
    assert.ok(e instanceof SeedError);
    assert.ok(e.problems.length >= 3, e.problems.join('\n'));
  });

  it('refuses YAML with duplicate keys, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-seed-'));
    const file = join(dir, 'dup.yaml');
    await writeFile(file, 'accounts: []\naccounts: []\n');
    const e = await startSandbox({ seed: file }).catch((x: unknown) => x);
    assert.ok(e instanceof SeedError);
    assert.match(e.message, /dup\.yaml/);
  });

  it('refuses a seed file that does not exist', async () => {
    await assert.rejects(startSandbox({ seed: '/nonexistent/seed.yaml' }), (e: unknown) => e instanceof SeedError && /cannot read/.test(e.message));
  });

  it('the demo seed file exists at the package root and loads', async () => {
    assert.match(demoSeedPath(), /src\/sandbox\/demo-seed\.yaml$/);
    const sb = await startSandbox({ quotas: false });
    try {
      assert.equal(sb.connectAssociations('us-east-1', '4c1b2f0e-1111-2222-3333-444455556666', '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff').length, 3);
      assert.deepEqual(sb.workspaceAssociations('us-east-1', 'ws-cc00000002'), [{ applicationId: 'wsa-chrome0001', state: 'PENDING_INSTALL' }]);
      assert.equal(sb.faults.deployOutcomes[0].errorCode, 'DeploymentError.WorkspaceUnreachable');
    } finally {
      await sb.close();
    }
  });

  it('access key ids select accounts; unknown keys map to the first account', async () => {
    const seed = {
      accounts: [
        { id: '111111111111', regions: { 'us-east-1': { connect: { instances: [{ id: 'i1', users: [{ id: 'u1', username: 'one' }] }] } } } },
        { id: '222222222222', accessKeyIds: ['AKIDTWO'], regions: { 'us-east-1': { connect: { instances: [{ id: 'i1', users: [{ id: 'u2', username: 'two' }] }] } } } },
      ],
    };
    const sb = await startSandbox({ quotas: false, seed });
    try {
      const one = await clients(sb, { accessKeyId: 'AKIDWHATEVER' }).connect.send(new ListUsersCommand({ InstanceId: 'i1' }));
      const two = await clients(sb, { accessKeyId: 'AKIDTWO' }).connect.send(new ListUsersCommand({ InstanceId: 'i1' }));
      assert.deepEqual([one.UserSummaryList?.[0].Username, two.UserSummaryList?.[0].Username], ['one', 'two']);
      assert.match(two.UserSummaryList?.[0].Arn ?? '', /:222222222222:instance\/i1\/agent\/u2$/);
      assert.deepEqual(sb.calls.map((c) => c.accountId), ['111111111111', '222222222222']);
    } finally {
      await sb.close();
    }
  });

  it('buildFleetSeed seeds 100,000 associations with users for every ARN', async () => {
    const sb = await startSandbox({ quotas: false, seed: buildFleetSeed({ connectWorkspaces: 200, arnsPerWorkspace: 500, workspaces: 2000, appsPerWorkspace: 3 }) });
    try {
      assert.equal(sb.connectAssociations('us-east-1', fleetIds.instanceId, fleetIds.connectWorkspaceId(199)).length, 500);
      assert.equal(sb.workspaceAssociations('us-east-1', fleetIds.workspaceId(1999)).length, 3);
    } finally {
      await sb.close();
    }
    assert.throws(() => buildFleetSeed({ arnsPerWorkspace: 10, users: 5 }), /users/);
  });
});
