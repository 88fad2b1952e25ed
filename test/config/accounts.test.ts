/**
 * The Account kind and spec.account, offline: every problem with its position (the cases), and
 * what a valid desired state with accounts becomes (the accounts, the account of each intent and
 * target, the key it joins).
 */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText } from '../../src/config/index.js';
import { ACCOUNT, cases, CONNECT_IN_ACCOUNT } from './cases/accounts.js';
import { CONNECT, INSTANCE, runProblemCases, SUPPORT_FLOOR, WORKSPACES } from './fixtures.js';

describe('config: accounts', () => {
  runProblemCases(cases);

  it('a valid state: the Accounts (never targets), the account of each intent and target, and keys per account', () => {
    const ws2 = WORKSPACES.replace('engineering-desktops', 'other');
    const r = loadDesiredStateFromText([
      { file: 'accounts.yaml', text: ACCOUNT },
      { file: 'a.yaml', text: CONNECT_IN_ACCOUNT },
      { file: 'b.yaml', text: ws2 },
    ]);
    assert.deepEqual(r.errors, []);
    const s = r.state!;
    assert.deepEqual(s.accounts, [{
      name: 'contact-center-prod', id: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/workspace-reconciler',
      externalId: 'reconciler-7f3a', sessionName: 'workspace-reconciler', location: { file: 'accounts.yaml', line: 4, col: 9 },
    }]);
    assert.equal(s.documentCount, 3);
    assert.equal(s.needsResolution, true, 'the default credentials\' documents are bound to their real account online');
    assert.deepEqual(s.intents.map((i) => i.account?.name), ['contact-center-prod', undefined]);
    const connect = s.targets.find((t) => t.type === 'connect')!;
    assert.equal(connect.account, '123456789012');
    assert.equal(connect.key, `connect/123456789012/us-east-1/${INSTANCE}/${SUPPORT_FLOOR}`);
    const ws = s.targets.filter((t) => t.type === 'workspaces');
    assert.deepEqual(ws.map((t) => [t.account, t.key]), [['default', 'workspaces/us-east-1/ws-eng0000001'], ['default', 'workspaces/us-east-1/ws-eng0000002']]);
  });

  it('without Account documents, nothing changes: the default account, the keys as before, no resolution needed', () => {
    const r = loadDesiredStateFromText([{ file: 'a.yaml', text: CONNECT }]);
    assert.deepEqual(r.state?.accounts, []);
    assert.equal(r.state?.needsResolution, false);
    assert.equal(r.state?.targets[0]?.key, `connect/us-east-1/${INSTANCE}/${SUPPORT_FLOOR}`);
  });

  it('the same WorkSpace in two accounts is two targets', () => {
    const other = ACCOUNT.replace('contact-center-prod', 'euc').replace('123456789012', '210987654321');
    const inAccount = (name: string, doc: string) => WORKSPACES.replace('engineering-desktops', `in-${name}`).replace('  region: us-east-1', `  account: ${name}\n  region: us-east-1`) + (doc ? '' : '');
    const r = loadDesiredStateFromText([
      { file: 'accounts.yaml', text: `${ACCOUNT}---\n${other}` },
      { file: 'a.yaml', text: inAccount('contact-center-prod', '') },
      { file: 'b.yaml', text: inAccount('euc', '').replace('  prune: false', '  prune: true') },
    ]);
    assert.deepEqual(r.errors, [], 'no ownership conflict: they are different targets');
    assert.deepEqual(r.state!.targets.map((t) => t.key), [
      'workspaces/123456789012/us-east-1/ws-eng0000001', 'workspaces/123456789012/us-east-1/ws-eng0000002',
      'workspaces/210987654321/us-east-1/ws-eng0000001', 'workspaces/210987654321/us-east-1/ws-eng0000002',
    ]);
  });
});
