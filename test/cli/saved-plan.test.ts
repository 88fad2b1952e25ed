/**
 * Saved plans end to end (`plan --out FILE`, `apply --plan FILE`) against the sandbox: what was
 * reviewed is what is applied, read off the sandbox's call log; refusals change nothing; drift
 * the plan did not contain is reported, never applied.
 */
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { AssociateWorkspaceApplicationCommand, DisassociateWorkspaceApplicationCommand } from '@aws-sdk/client-workspaces';
import type { CallRecord } from '../../src/sandbox/index.js';
import { clients } from '../sandbox/helpers.js';
import { agentArn, INSTANCE, WORKSPACE } from './demo-world.js';
import { assertNoStackTrace, EXAMPLES, FAST, isMutating, literal, mutatingCalls, parseJson, perTest, ROOT, runCli } from './helpers.js';

// The by-hand changes below use SDK clients in this process (see test/cli/sandbox.test.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SUPERVISORS_KEY = `connect/us-east-1/${INSTANCE}/${WORKSPACE.supervisors}`;
const BILLING_KEY = `connect/us-east-1/${INSTANCE}/${WORKSPACE.billingDesk}`;
const SUPPORT_KEY = `connect/us-east-1/${INSTANCE}/${WORKSPACE.supportFloor}`;

type Obj = Record<string, any>;

/** Every mutation the sandbox answered, one line per item: `KEY + ITEM`, `KEY - ITEM`, `KEY ~ deploy`. */
function mutations(calls: readonly CallRecord[]): string[] {
  const out = new Set<string>();
  for (const c of calls.filter(isMutating)) {
    const i = c.input as Obj;
    if (c.service === 'connect') {
      const key = `connect/${c.region}/${i.InstanceId}/${i.WorkspaceId}`;
      const sign = c.operation === 'AssociateWorkspace' ? '+' : '-';
      for (const arn of i.ResourceArns as string[]) out.add(`${key} ${sign} ${arn}`);
    } else {
      const key = `workspaces/${c.region}/${i.WorkspaceId}`;
      if (c.operation === 'DeployWorkspaceApplications') out.add(`${key} ~ deploy`);
      else out.add(`${key} ${c.operation === 'AssociateWorkspaceApplication' ? '+' : '-'} ${i.ApplicationId}`);
    }
  }
  return [...out].sort();
}

/** The saved plan's actions in the same form. */
function planned(plan: Obj): string[] {
  const out: string[] = [];
  for (const t of plan.targets as Obj[]) {
    for (const x of t.associate) out.push(`${t.key} + ${x}`);
    for (const x of t.disassociate) out.push(`${t.key} - ${x}`);
    if (t.deploy) out.push(`${t.key} ~ deploy`);
  }
  return out.sort();
}

function outcome(report: Obj, target: string, action: string, item: string): Obj {
  const found = (report.savedPlan.actions as Obj[]).find((a) => a.target === target && a.action === action && a.item === item);
  assert.ok(found, `no outcome for ${target} ${action} ${item}: ${JSON.stringify(report.savedPlan.actions)}`);
  return found;
}


describe('cli: saved plans (plan --out, apply --plan)', () => {
  const t = perTest({ sandbox: {} });
  const planFile = () => join(t.dir, 'plan.json');

  async function savePlan(paths: string[], extra: string[] = []): Promise<Obj> {
    const r = await runCli(['plan', ...paths, '--out', planFile(), ...extra], { env: t.env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return JSON.parse(await readFile(planFile(), 'utf8')) as Obj;
  }
  const applyPlan = (extra: string[] = []) => runCli(['apply', '--plan', planFile(), ...FAST, '--output', 'json', ...extra], { env: t.env() });

  it('plan --out writes a versioned plan: files with sha256, a digest, options, actions with names, and what was observed', async () => {
    const plan = await savePlan(EXAMPLES);
    assert.equal(plan.format, 'workspace-reconciler/plan');
    assert.equal(plan.formatVersion, 1);
    assert.equal(plan.tool.name, 'workspace-reconciler');
    assert.ok(Math.abs(Date.parse(plan.createdAt) - Date.now()) < 10 * 60_000, plan.createdAt);
    assert.deepEqual(plan.desiredState.paths, EXAMPLES);
    const supervisors = (plan.desiredState.files as Obj[]).find((f) => f.path === 'examples/connect/supervisors.yaml');
    const { createHash } = await import('node:crypto');
    assert.equal(supervisors?.sha256, createHash('sha256').update(await readFile(join(ROOT, 'examples/connect/supervisors.yaml'))).digest('hex'));
    assert.match(plan.desiredState.digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(plan.options, { region: 'us-east-1', maxPrune: 100, allowEmpty: false });
    assert.deepEqual(plan.summary, { associate: 40, disassociate: 2, deploy: 7, wait: 0, retry: 0, failed: 0 });
    const sup = (plan.targets as Obj[]).find((x) => x.key === SUPERVISORS_KEY)!;
    assert.deepEqual(sup.disassociate, [agentArn(20)]);
    assert.equal(sup.names[agentArn(20)], 'user agent20');
    assert.ok((sup.observed.associated as Obj[]).some((a) => a.arn === agentArn(20) && a.name === 'user agent20'));
    const cc1 = (plan.targets as Obj[]).find((x) => x.key === 'workspaces/us-east-1/ws-cc00000001')!;
    assert.deepEqual([cc1.associate, cc1.disassociate, cc1.deploy, cc1.deployFor], [['wsa-chrome0001', 'wsa-office0001'], ['wsa-zoom000001'], { force: false }, ['wsa-chrome0001', 'wsa-office0001', 'wsa-zoom000001']]);
    assert.deepEqual(cc1.observed.applications, [{ applicationId: 'wsa-zoom000001', state: 'COMPLETED' }]);
    // plan --out is read-only, like plan.
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
  });

  it('apply --plan makes exactly the reviewed mutations (the call log), deploys and polls them to completion, exit 0', async () => {
    const plan = await savePlan(EXAMPLES);
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // The demo's first deploy to ws-eng0000002 fails once: its Force retry is part of the reviewed deploy.
    assert.deepEqual(mutations(t.sb.calls), planned(plan));
    // Each reviewed association and removal was sent once (only deploys repeat: a Force retry).
    const items = t.sb.calls.filter((c) => /^(Associate|Disassociate)/.test(c.operation)).flatMap((c) => (c.input.ResourceArns as string[] | undefined) ?? [`${c.input.WorkspaceId} ${c.input.ApplicationId}`]);
    assert.equal(items.length, planned(plan).filter((x) => !x.endsWith('~ deploy')).length);
    const report = parseJson(r.stdout);
    assert.equal(report.converged, true);
    assert.equal(report.savedPlan.counts.done, planned(plan).length);
    assert.deepEqual(report.savedPlan.outsidePlan, []);
    assert.deepEqual(t.sb.workspaceAssociations('us-east-1', 'ws-eng0000002').map((a) => `${a.applicationId}:${a.state}`), ['wsa-chrome0001:COMPLETED', 'wsa-slack00001:COMPLETED', 'wsa-vscode0001:COMPLETED']);

    // Applied again, everything it holds is already done: reported unnecessary, not one mutation.
    t.sb.resetCalls();
    const again = await applyPlan();
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
    assert.equal(parseJson(again.stdout).savedPlan.counts.unnecessary, planned(plan).length);
  });

  it('names and selectors: the plan keeps names beside ids, and apply --plan resolves again and makes exactly the reviewed mutations', async () => {
    // support.yaml: both documents by names and selectors (billing-desk selects its users by routing profile).
    const plan = await savePlan(['examples/connect/support.yaml']);
    const billing = (plan.targets as Obj[]).find((x) => x.key === BILLING_KEY)!;
    assert.equal(billing.names[agentArn(11)], 'user agent11');
    assert.ok(planned(plan).length > 0);
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(mutations(t.sb.calls), planned(plan));
    assert.ok(t.sb.calls.some((c) => c.operation === 'SearchUsers'), 'the selectors were resolved again');
  });

  it('refuses a plan older than --max-plan-age (default 24h): exit 1, not one call', async () => {
    const plan = await savePlan(EXAMPLES);
    plan.createdAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    await writeFile(planFile(), JSON.stringify(plan));
    t.sb.resetCalls();
    const r = await runCli(['apply', '--plan', planFile(), ...FAST], { env: t.env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`^error: ${literal(planFile())} was made at .*, 25h ago, more than --max-plan-age 24h: .* Nothing was changed\\.$`, 'm'));
    assertNoStackTrace(r.stderr);
    assert.equal(t.sb.calls.length, 0);
    // A larger --max-plan-age lets it through.
    const ok = await applyPlan(['--max-plan-age', '26h']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('refuses when a file it names changed, or a file was added: exit 1, names the file, not one call', async () => {
    const desired = join(t.dir, 'desired');
    await cp(join(ROOT, 'examples/connect'), desired, { recursive: true });
    await savePlan([desired]);
    const file = join(desired, 'support.yaml');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n# an edit after review\n');
    t.sb.resetCalls();
    const changed = await runCli(['apply', '--plan', planFile(), ...FAST], { env: t.env() });
    assert.equal(changed.code, 1, changed.stdout + changed.stderr);
    assert.match(changed.stderr, new RegExp(`^error: the desired state is not the one ${literal(planFile())} was made from:\n  ${literal(file)}: changed \\(sha256 `, 'm'));
    assert.match(changed.stderr, /Nothing was changed\.$/m);
    assert.equal(t.sb.calls.length, 0);

    await savePlan([desired]);
    await writeFile(join(desired, 'extra.yaml'), '# nothing yet\n');
    t.sb.resetCalls();
    const added = await runCli(['apply', '--plan', planFile(), ...FAST], { env: t.env() });
    assert.equal(added.code, 1, added.stdout + added.stderr);
    assert.ok(added.stderr.includes(`  ${join(desired, 'extra.yaml')}: new since the plan`), added.stderr);
    assert.equal(t.sb.calls.length, 0);

    // The directory it names is gone altogether.
    await rm(desired, { recursive: true });
    const gone = await runCli(['apply', '--plan', planFile(), ...FAST], { env: t.env() });
    assert.equal(gone.code, 1, gone.stdout + gone.stderr);
    assert.match(gone.stderr, new RegExp(`^error: the desired state is not the one ${literal(planFile())} was made from: .*${literal(desired)}.*Nothing was changed\\.$`, 'm'));
    assertNoStackTrace(gone.stderr);
    assert.equal(t.sb.calls.length, 0);
  });

  const notPlans: { reason: string; edit: (p: Obj) => unknown; error: RegExp }[] = [
    { reason: 'a format version it does not understand', edit: (p) => ({ ...p, formatVersion: 2 }), error: /is a saved plan of format version 2, which this tool does not understand \(it reads version 1\)/ },
    { reason: 'a desired-state file instead of a plan', edit: () => ({ apiVersion: 'workspace-reconciler/v1' }), error: /is not a saved plan of this tool: "format" is not "workspace-reconciler\/plan"/ },
    { reason: 'a plan made in the future by this clock (a clock problem, or an edited time)', edit: (p) => ({ ...p, createdAt: new Date(Date.now() + 3_600_000).toISOString() }), error: /was made at .*, in the future by this machine's clock; check the clocks\. Nothing was changed\./ },
    { reason: 'files edited in the plan (the digest no longer matches them)', edit: (p) => ({ ...p, desiredState: { ...p.desiredState, files: p.desiredState.files.slice(1) } }), error: /"desiredState.digest" does not match its files/ },
  ];
  for (const tc of notPlans) {
    it(`refuses ${tc.reason}: exit 1, not one call`, async () => {
      const plan = await savePlan(EXAMPLES);
      await writeFile(planFile(), JSON.stringify(tc.edit(plan)));
      t.sb.resetCalls();
      const r = await runCli(['apply', '--plan', planFile(), ...FAST], { env: t.env() });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, tc.error);
      assertNoStackTrace(r.stderr);
      assert.equal(t.sb.calls.length, 0);
    });
  }

  it('apply --plan with paths as well is a usage error; apply without paths or --plan too', async () => {
    await savePlan(EXAMPLES);
    const both = await runCli(['apply', '--plan', planFile(), 'examples/connect'], { env: t.env() });
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^error: apply --plan takes no paths: the plan names the files it was made from/m);
    const none = await runCli(['apply'], { env: t.env() });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^error: missing required argument 'path'/m);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
  });

  // Removal paths. Each shows what stops apply --plan from removing what nobody reviewed.

  it('Connect removal: an association added by hand after the plan to a prune target is not removed; it is reported as drift outside the plan', async () => {
    const plan = await savePlan(['examples/connect/supervisors.yaml']);
    assert.deepEqual(planned(plan).filter((x) => x.includes(' - ')), [`${SUPERVISORS_KEY} - ${agentArn(20)}`]);
    await clients(t.sb).connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WORKSPACE.supervisors, ResourceArns: [agentArn(19)] }));
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(mutations(t.sb.calls).filter((x) => x.includes(' - ')), [`${SUPERVISORS_KEY} - ${agentArn(20)}`]);
    assert.ok(t.sb.connectAssociations('us-east-1', INSTANCE, WORKSPACE.supervisors).includes(agentArn(19)), 'agent19 is still there');
    const report = parseJson(r.stdout);
    assert.deepEqual(report.savedPlan.outsidePlan, [{ target: SUPERVISORS_KEY, associate: [], disassociate: [agentArn(19)], deploy: [] }]);
    const text = await runCli(['apply', '--plan', planFile(), ...FAST], { env: t.env() });
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.ok(text.stdout.includes(`drift outside the plan (reported, not applied`), text.stdout);
    assert.ok(text.stdout.includes(`    ${SUPERVISORS_KEY}: - ${agentArn(19)}`), text.stdout);
    // The same file applied without the reviewed plan removes it: the allow-list is what stopped it.
    const plain = await runCli(['apply', 'examples/connect/supervisors.yaml', ...FAST], { env: t.env() });
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    assert.ok(!t.sb.connectAssociations('us-east-1', INSTANCE, WORKSPACE.supervisors).includes(agentArn(19)));
  });

  it('WorkSpaces removal: an application associated by hand after the plan to a prune WorkSpace is neither removed nor deployed', async () => {
    const plan = await savePlan(['examples/workspaces/call-center.yaml']);
    // ws-cc00000004 gets Chrome and Office (reviewed); Slack is added by hand afterwards.
    assert.ok(planned(plan).includes('workspaces/us-east-1/ws-cc00000004 ~ deploy'));
    await clients(t.sb).workspaces.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000004', ApplicationId: 'wsa-slack00001' }));
    t.sb.resetCalls();
    const r = await applyPlan();
    const report = parseJson(r.stdout);
    assert.ok(!mutations(t.sb.calls).includes('workspaces/us-east-1/ws-cc00000004 - wsa-slack00001'), mutations(t.sb.calls).join('\n'));
    assert.equal(t.sb.workspaceAssociations('us-east-1', 'ws-cc00000004').find((a) => a.applicationId === 'wsa-slack00001')?.state, 'PENDING_INSTALL');
    assert.deepEqual(report.savedPlan.outsidePlan.find((o: Obj) => o.target === 'workspaces/us-east-1/ws-cc00000004')?.disassociate, ['wsa-slack00001']);
    // Its reviewed deploy would have installed Slack too (AWS deploys every pending change): not made.
    assert.ok(!mutations(t.sb.calls).includes('workspaces/us-east-1/ws-cc00000004 ~ deploy'));
    const deploy = outcome(report, 'workspaces/us-east-1/ws-cc00000004', 'deploy', 'ws-cc00000004');
    assert.equal(deploy.outcome, 'impossible');
    assert.match(deploy.reason, /OutsidePlan: the reviewed deploy would also carry out changes the plan did not review: wsa-slack00001 \(PENDING_INSTALL\)/);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    // The other WorkSpaces got exactly their reviewed changes.
    assert.deepEqual(
      mutations(t.sb.calls).filter((x) => !x.includes('ws-cc00000004')),
      planned(plan).filter((x) => !x.includes('ws-cc00000004')),
    );
  });

  it('deploy-carried removal: an application disassociated by hand after the plan is not uninstalled by the reviewed deploy', async () => {
    // engineering: ws-eng0000001 has Chrome; the plan adds Slack and VS Code and deploys them.
    const plan = await savePlan(['examples/workspaces/engineering.yaml']);
    assert.deepEqual(planned(plan).filter((x) => x.includes('ws-eng0000001')), ['workspaces/us-east-1/ws-eng0000001 + wsa-slack00001', 'workspaces/us-east-1/ws-eng0000001 + wsa-vscode0001', 'workspaces/us-east-1/ws-eng0000001 ~ deploy']);
    await clients(t.sb).workspaces.send(new DisassociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000001', ApplicationId: 'wsa-chrome0001' }));
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const m = mutations(t.sb.calls).filter((x) => x.includes('ws-eng0000001'));
    assert.deepEqual(m, ['workspaces/us-east-1/ws-eng0000001 + wsa-slack00001', 'workspaces/us-east-1/ws-eng0000001 + wsa-vscode0001']);
    assert.equal(t.sb.workspaceAssociations('us-east-1', 'ws-eng0000001').find((a) => a.applicationId === 'wsa-chrome0001')?.state, 'PENDING_UNINSTALL');
    const report = parseJson(r.stdout);
    assert.equal(outcome(report, 'workspaces/us-east-1/ws-eng0000001', 'deploy', 'ws-eng0000001').outcome, 'impossible');
    assert.equal(outcome(report, 'workspaces/us-east-1/ws-eng0000001', 'associate', 'wsa-slack00001').outcome, 'done');
  });

  it('a reviewed deploy never carries a pending change to an application the documents do not list (apply --plan observes every application)', async () => {
    // One application over three WorkSpaces: the application-side view of it alone would be the
    // cheaper observation, and it cannot see the others.
    const file = join(t.dir, 'eng-chrome.yaml');
    await writeFile(file, [
      'apiVersion: workspace-reconciler/v1',
      'kind: WorkSpaceApplications',
      'metadata: {name: eng-chrome}',
      'spec:',
      '  region: us-east-1',
      '  workspaceIds: [ws-eng0000001, ws-eng0000002, ws-eng0000003]',
      '  applicationIds: [wsa-chrome0001]',
      '',
    ].join('\n'));
    const plan = await savePlan([file]);
    assert.ok(planned(plan).includes('workspaces/us-east-1/ws-eng0000003 ~ deploy'), planned(plan).join('\n'));
    // After the review, someone associates Zoom with ws-eng0000003 by hand: pending, not deployed.
    await clients(t.sb).workspaces.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-eng0000003', ApplicationId: 'wsa-zoom000001' }));
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.ok(!mutations(t.sb.calls).includes('workspaces/us-east-1/ws-eng0000003 ~ deploy'), mutations(t.sb.calls).join('\n'));
    assert.equal(t.sb.workspaceAssociations('us-east-1', 'ws-eng0000003').find((a) => a.applicationId === 'wsa-zoom000001')?.state, 'PENDING_INSTALL');
    assert.equal(outcome(parseJson(r.stdout), 'workspaces/us-east-1/ws-eng0000003', 'deploy', 'ws-eng0000003').outcome, 'impossible');
  });

  it('Connect removal under --max-prune: apply --plan refuses a plan over it, exit 1, nothing changed', async () => {
    await savePlan(['examples/connect/supervisors.yaml']);
    t.sb.resetCalls();
    const r = await applyPlan(['--max-prune', '0']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /refusing to apply: the plan removes 1 associations, more than --max-prune 0/);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
  });

  it("Connect removal after a failed association (make before break): the reviewed removal is held, reported 'held', exit 2", async () => {
    await savePlan(['examples/connect/supervisors.yaml']);
    t.sb.setFaults({ failedList: [{ operation: 'AssociateWorkspace', resourceArn: agentArn(16), code: '404' }] });
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.deepEqual(mutatingCalls(t.sb.calls).filter((op) => op === 'DisassociateWorkspace'), []);
    assert.ok(t.sb.connectAssociations('us-east-1', INSTANCE, WORKSPACE.supervisors).includes(agentArn(20)));
    const report = parseJson(r.stdout);
    assert.equal(outcome(report, SUPERVISORS_KEY, 'disassociate', agentArn(20)).outcome, 'held');
    // The association whose user is gone (AWS answers 404) cannot be made: impossible, with the code.
    const gone = outcome(report, SUPERVISORS_KEY, 'associate', agentArn(16));
    assert.equal(gone.outcome, 'impossible');
    assert.match(gone.reason, /^AssociateWorkspace: 404: /);
  });

  it('a reviewed association already made by someone else is reported unnecessary and not made again', async () => {
    await savePlan(['examples/connect/support.yaml']);
    await clients(t.sb).connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WORKSPACE.supportFloor, ResourceArns: [agentArn(3)] }));
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!mutations(t.sb.calls).includes(`${SUPPORT_KEY} + ${agentArn(3)}`));
    assert.ok(mutations(t.sb.calls).includes(`${SUPPORT_KEY} + ${agentArn(4)}`));
    const report = parseJson(r.stdout);
    // The example names its users by selector: the report carries the name beside the ARN.
    assert.deepEqual(outcome(report, SUPPORT_KEY, 'associate', agentArn(3)), { target: SUPPORT_KEY, action: 'associate', item: agentArn(3), name: 'user agent03', outcome: 'unnecessary', reason: 'already associated' });
  });

  it('a reviewed association whose resource disappeared is reported impossible (exit 2); the rest is done', async () => {
    await savePlan(['examples/connect/support.yaml']);
    t.sb.setFaults({ failedList: [{ operation: 'AssociateWorkspace', resourceArn: agentArn(5), code: '404' }] });
    t.sb.resetCalls();
    const r = await applyPlan();
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const report = parseJson(r.stdout);
    assert.equal(outcome(report, SUPPORT_KEY, 'associate', agentArn(5)).outcome, 'impossible');
    assert.equal(outcome(report, SUPPORT_KEY, 'associate', agentArn(4)).outcome, 'done');
    assert.equal(report.savedPlan.counts.impossible, 1);
  });

  it('plan --out saves nothing when part of the state is unknown (a target that cannot be observed)', async () => {
    t.sb.setFaults({ scriptedErrors: [{ operation: 'SearchWorkspaceAssociations', code: 'AccessDeniedException' }] });
    const r = await runCli(['plan', 'examples/connect/support.yaml', '--out', planFile()], { env: t.env() });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /the plan is incomplete .*: not saved to /);
    await assert.rejects(readFile(planFile()), { code: 'ENOENT' });
  });
});
