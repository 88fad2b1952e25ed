/**
 * Resolution binds documents to accounts: those of the default credentials get its real account
 * (GetCallerIdentity, asked once and only when the state has Account documents), so a target
 * reached both ways is one target; a failed GetCallerIdentity leaves only those documents out.
 * Plain data: the documents name everything by id, so no look-up is made.
 */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText } from '../../src/config/index.js';
import type { ConnectLookup, WorkSpacesLookup } from '../../src/model/lookup.js';
import { TerminalError } from '../../src/providers/errors.js';
import { resolveDesired } from '../../src/resolve/index.js';

const noLookup = new Proxy({}, { get: () => () => assert.fail('no look-up expected') }) as ConnectLookup & WorkSpacesLookup;
const doc = (kind: string, name: string, spec: Record<string, unknown>) =>
  `apiVersion: workspace-reconciler/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n`;
const account = (name: string, id: string) => doc('Account', name, { roleArn: `arn:aws:iam::${id}:role/workspace-reconciler` });
const ws = (name: string, spec: Record<string, unknown>) => doc('WorkSpaceApplications', name, { region: 'us-east-1', workspaceIds: ['ws-shared00001'], applicationIds: ['wsa-chrome0001'], ...spec });

function load(...docs: string[]) {
  const r = loadDesiredStateFromText([{ file: 'a.yaml', text: docs.join('---\n') }]);
  assert.deepEqual(r.errors, []);
  return r.state!;
}

describe('accounts: resolution binds documents to their account', () => {
  it('the default credentials\' documents get the real account (the ClientFactory asks GetCallerIdentity once)', async () => {
    const state = load(account('prod', '222222222222'), ws('base', {}), ws('prod', { account: 'prod' }), doc('WorkSpaceApplications', 'base2', { region: 'eu-west-2', workspaceIds: ['ws-other00001'], applicationIds: ['wsa-chrome0001'] }));
    const r = await resolveDesired(state, { connect: noLookup, workspaces: noLookup, defaultAccount: async () => '111111111111' });
    assert.deepEqual(r.targets.map((t) => [t.key, t.account]), [
      ['workspaces/111111111111/eu-west-2/ws-other00001', '111111111111'],
      ['workspaces/111111111111/us-east-1/ws-shared00001', '111111111111'],
      ['workspaces/222222222222/us-east-1/ws-shared00001', '222222222222'],
    ]);
  });

  it('a target reached through an Account and through the default credentials of the same account is one target: a prune conflict', async () => {
    const state = load(account('self', '111111111111'), ws('base', { prune: true }), ws('via-role', { account: 'self' }));
    const r = await resolveDesired(state, { connect: noLookup, workspaces: noLookup, defaultAccount: async () => '111111111111' });
    assert.deepEqual(r.targets, []);
    assert.deepEqual(r.conflicts.map((c) => c.key), ['workspaces/111111111111/us-east-1/ws-shared00001']);
  });

  it('without Account documents no account is asked for: the loader\'s targets, account default', async () => {
    const state = load(ws('base', {}));
    const r = await resolveDesired(state, { connect: noLookup, workspaces: noLookup, defaultAccount: async () => assert.fail('no GetCallerIdentity') });
    assert.deepEqual(r.targets.map((t) => [t.key, t.account]), [['workspaces/us-east-1/ws-shared00001', 'default']]);
  });

  it('a failed GetCallerIdentity fails the default credentials\' documents only, at their location', async () => {
    const state = load(account('prod', '222222222222'), ws('base', {}), ws('prod', { account: 'prod' }));
    const refused = new TerminalError({ service: 'connect', region: 'us-east-1', operation: 'GetCallerIdentity', code: 'InvalidClientTokenId', awsMessage: 'The security token included in the request is invalid.' });
    const r = await resolveDesired(state, { connect: noLookup, workspaces: noLookup, defaultAccount: async () => Promise.reject(refused) });
    assert.deepEqual(r.targets.map((t) => t.key), ['workspaces/222222222222/us-east-1/ws-shared00001']);
    assert.deepEqual(r.failures.map((f) => [f.document.name, f.error.code, f.at.line]), [['base', 'InvalidClientTokenId', 10]]);
  });
});
