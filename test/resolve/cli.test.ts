/**
 * Names and selectors end to end: the built binary (`npm run build` first; `npm test` does) run
 * as an operator would, against the demo sandbox. plan shows names beside ids and refuses (exit
 * 1) a name that does not exist; apply converges with names, and a mistyped name in a prune
 * document removes nothing (exit 2) and says why in the report.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agentArn, profileArn } from '../cli/demo-world.js';
import { FAST, assertNoStackTrace, literal, mutatingCalls, parseJson, perTest, runCli } from '../cli/helpers.js';
import { connectDoc, workspacesDoc } from './helpers.js';

const SUPERVISORS = '5f4e3d2c-aaaa-bbbb-cccc-444455556666';
const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const supervisorsKey = `connect/us-east-1/${INSTANCE}/${SUPERVISORS}`;

describe('cli: names and selectors, end to end', function () {
  this.timeout(60_000);
  const t = perTest({ sandbox: {} });
  async function desired(...docs: string[]): Promise<string> {
    const dir = join(t.dir, 'desired');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'names.yaml');
    await writeFile(file, docs.join('---\n'));
    return file;
  }
  const removals = () => t.sb.calls.filter((c) => /^Disassociate/.test(c.operation));
  const supervisors = () => t.sb.connectAssociations('us-east-1', INSTANCE, SUPERVISORS);

  it('plan shows each name beside its ARN or id and the workspace name beside its id, in text and JSON; read-only', async () => {
    const file = await desired(
      connectDoc('billing', ['workspaceName: Billing desk', 'users: [agent05]', 'routingProfiles: [Billing]']),
      workspacesDoc('eng', ['workspaces:', '  - directoryId: d-9067a1b2c3', '    tags: {owner: platform}', 'applications: [Slack]']),
    );
    const r = await runCli(['plan', file], { env: t.env() });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`^  \\+ ${literal(agentArn(5))} \\(user agent05\\)$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  \\+ ${literal(profileArn(2))} \\(routing profile Billing\\)$`, 'm'));
    assert.match(r.stdout, /^Connect workspace 3e8a7b6c-aaaa-bbbb-cccc-111122223333 'Billing desk' \(instance /m);
    assert.match(r.stdout, /^  \+ wsa-slack00001 \(Slack\)$/m);
    assert.match(r.stdout, /^WorkSpace ws-eng0000001 \(us-east-1\) ← eng$/m);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);

    const j = await runCli(['plan', file, '--output', 'json'], { env: t.env() });
    assert.equal(j.code, 0, j.stderr);
    const out = parseJson(j.stdout);
    const billing = out.targets.find((x: { name?: string }) => x.name === 'Billing desk');
    assert.ok(billing, j.stdout);
    assert.deepEqual(billing.associate.sort(), [agentArn(5), profileArn(2)].sort());
    assert.deepEqual(billing.names, { [agentArn(5)]: 'user agent05', [profileArn(2)]: 'routing profile Billing' });
    const eng = out.targets.find((x: { key: string }) => x.key === 'workspaces/us-east-1/ws-eng0000001');
    assert.deepEqual(eng.names, { 'wsa-slack00001': 'Slack' });
  });

  it('plan with a mistyped username exits 1 and says which name, where, and what it probably meant', async () => {
    const file = await desired(connectDoc('billing', ['workspaceName: Billing desk', 'users: [agent05, agnet06]']));
    const r = await runCli(['plan', file], { env: t.env() });
    assert.equal(r.code, 1, r.stdout);
    assertNoStackTrace(r.stderr);
    assert.match(r.stdout, new RegExp(`^  ! user agnet06: NameNotFound: .*did you mean 'agent06'\\? \\(${literal(file)}:9:20\\)$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  \\+ ${literal(agentArn(5))} \\(user agent05\\)$`, 'm'), 'the rest of the target is still planned');
    const j = parseJson((await runCli(['plan', file, '--output', 'json'], { env: t.env() })).stdout);
    const billing = j.targets.find((x: { name?: string }) => x.name === 'Billing desk');
    assert.deepEqual(billing.unresolved.map((u: { item: string; code: string; line: number }) => [u.item, u.code, u.line]), [['user agnet06', 'NameNotFound', 9]]);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
  });

  it('plan with a mistyped workspaceName exits 1 with a did-you-mean, and plans nothing for that document', async () => {
    const file = await desired(connectDoc('support', ['workspaceName: Suport floor', 'users: [agent05]', 'prune: true']));
    const r = await runCli(['plan', file], { env: t.env() });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /cannot resolve .*ListWorkspaces: NameNotFound: .*did you mean 'Support floor'\?/);
    assert.match(r.stdout, /1 document could not be resolved: nothing is planned for them\./);
    assert.match(r.stdout, /^Plan: 0 to associate, 0 to disassociate/m);
  });

  it('apply with names and selectors converges (exit 0), prunes what the document leaves out, and a second plan --detailed-exitcode exits 0', async () => {
    const file = await desired(
      connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agent16]', 'userSelector:', '  tags: {level: senior}', 'routingProfiles: [Supervisors]', 'prune: true']),
      workspacesDoc('eng', ['workspaces:', '  - directoryId: d-9067a1b2c3', '    userNames: [eng2, eng3]', 'applications: [Slack, Google Chrome]']),
    );
    const a = await runCli(['apply', file, ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(a.code, 0, a.stderr + a.stdout);
    const rep = parseJson(a.stdout);
    assert.equal(rep.converged, true);
    assert.deepEqual(rep.failures, []);
    assert.deepEqual(supervisors(), [agentArn(16), agentArn(17), agentArn(18), profileArn(4)].sort(), 'agent20 pruned, the senior supervisors added');
    for (const ws of ['ws-eng0000002', 'ws-eng0000003']) {
      const apps = t.sb.workspaceAssociations('us-east-1', ws).map((x) => [x.applicationId, x.state]).sort();
      assert.deepEqual(apps, [['wsa-chrome0001', 'COMPLETED'], ['wsa-slack00001', 'COMPLETED']], ws);
    }
    const target = rep.targets.find((x: { key: string }) => x.key === supervisorsKey);
    assert.equal(target.name, 'Supervisors');
    assert.equal(target.names[agentArn(17)], 'user agent17');

    const p = await runCli(['plan', file, '--detailed-exitcode'], { env: t.env() });
    assert.equal(p.code, 0, p.stdout + p.stderr);
    assert.match(p.stdout, /^Plan: 0 to associate, 0 to disassociate, 0 deployments/m);
  });

  it('apply with a mistyped name in a prune document exits 2, removes nothing, and the JSON report lists the Resolve failure and held.reason names-unresolved', async () => {
    const file = await desired(connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agent16, agnet20]', 'routingProfiles: [Supervisors]', 'prune: true']));
    const a = await runCli(['apply', file, ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(a.code, 2, a.stderr + a.stdout);
    assert.deepEqual(removals(), [], 'no removal was sent');
    assert.deepEqual(supervisors(), [agentArn(16), agentArn(20), profileArn(4)].sort(), 'agent16 added, agent20 kept');
    const rep = parseJson(a.stdout);
    assert.equal(rep.converged, false);
    const resolve = rep.failures.filter((f: { operation: string }) => f.operation === 'Resolve');
    assert.equal(resolve.length, 1, JSON.stringify(rep.failures));
    assert.deepEqual([resolve[0].item, resolve[0].code, resolve[0].terminal], ['user agnet20', 'NameNotFound', true]);
    assert.match(resolve[0].message, /did you mean 'agent20'\?/);
    const target = rep.targets.find((x: { key: string }) => x.key === supervisorsKey);
    assert.equal(target.status, 'failed');
    assert.deepEqual(target.held, { reason: 'names-unresolved', count: 1, sample: [agentArn(20)] });
    assert.equal(rep.summary.disassociate, 0);
    assert.equal(rep.summary.held, 1);

    // Text: the same, for a person.
    const text = await runCli(['apply', file, ...FAST], { env: t.env() });
    assert.equal(text.code, 2);
    assert.match(text.stdout, /FAILED .*: Resolve user agnet20: NameNotFound: .*did you mean 'agent20'\?/);
    assert.match(text.stdout, /1 removal held back/);
    assert.deepEqual(removals(), []);
  });

  it('plan --output json: a prune target emptied by a mistyped name is held for the name (names-unresolved), not for the empty set', async () => {
    const file = await desired(connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agnet20]', 'prune: true']));
    const r = await runCli(['plan', file, '--output', 'json'], { env: t.env() });
    assert.equal(r.code, 1, r.stderr);
    const target = parseJson(r.stdout).targets.find((x: { key: string }) => x.key === supervisorsKey);
    assert.deepEqual(target.held, { reason: 'names-unresolved' });
    assert.deepEqual(target.disassociate.sort(), [agentArn(20), profileArn(4)].sort(), 'what prune would remove is shown');
    const text = await runCli(['plan', file], { env: t.env() });
    assert.match(text.stdout, /^  ! apply holds this target's 2 removals until every name resolves$/m);
  });

  it('apply while ListUsers keeps failing (5xx): the named prune target is never touched, exit 1 (not all attempted), the failure reported as retryable', async () => {
    await t.world({ faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'InternalServiceException' }] } });
    const file = await desired(
      connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agent16]', 'routingProfiles: [Supervisors]', 'prune: true']),
      connectDoc('billing', ['workspaceId: 3e8a7b6c-aaaa-bbbb-cccc-111122223333', `resourceArns: [${agentArn(11)}]`]),
    );
    const a = await runCli(['apply', file, ...FAST, '--timeout', '3s', '--output', 'json'], { env: t.env() });
    assert.equal(a.code, 1, a.stderr + a.stdout);
    assert.ok(t.sb.calls.filter((c) => c.operation === 'ListUsers').length > 3, 'the resolution was retried within --timeout');
    assert.deepEqual(removals(), []);
    assert.deepEqual(supervisors(), [agentArn(20), profileArn(4)].sort());
    assert.deepEqual(mutatingCalls(t.sb.calls).filter((op) => op !== 'AssociateWorkspace'), [], 'at most the by-id target is changed');
    assert.ok(t.sb.calls.every((c) => !/^(Associate|Disassociate)/.test(c.operation) || c.input.WorkspaceId !== SUPERVISORS));
    const rep = parseJson(a.stdout);
    assert.equal(rep.converged, false);
    const f = rep.failures.find((x: { operation: string }) => x.operation === 'ListUsers');
    assert.deepEqual([f?.target, f?.code, f?.terminal], [supervisorsKey, 'InternalServiceException', false]);
    assert.equal(rep.targets.some((x: { key: string }) => x.key === supervisorsKey), false);
  });

  it('apply with a mistyped workspaceName in a prune document exits 2 and touches nothing', async () => {
    const file = await desired(connectDoc('supervisors', ['workspaceName: Supervisor', 'users: [agent16]', 'prune: true']));
    const a = await runCli(['apply', file, ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(a.code, 2, a.stderr + a.stdout);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
    const rep = parseJson(a.stdout);
    assert.deepEqual(rep.failures.map((f: { operation: string; code: string; terminal: boolean }) => [f.operation, f.code, f.terminal]), [['ListWorkspaces', 'NameNotFound', true]]);
    assert.match(rep.failures[0].message, /did you mean 'Supervisors'\?/);
  });

  it('apply where a by-id prune document and a by-name document resolve to the same workspace: ownership conflict, exit 2, nothing applied to it', async () => {
    const file = await desired(
      connectDoc('owner', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16]', 'prune: true']),
      connectDoc('other', ['workspaceName: Supervisors', 'users: [agent17]']),
    );
    const a = await runCli(['apply', file, ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(a.code, 2, a.stderr + a.stdout);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
    const rep = parseJson(a.stdout);
    assert.deepEqual(rep.failures.map((f: { target: string; code: string }) => [f.target, f.code]), [[supervisorsKey, 'OwnershipConflict']]);
  });
});
