/**
 * `export` end to end: the built binary against the sandbox. The round trip export → validate
 * (exit 0) → plan --detailed-exitcode (exit 0) holds for both kinds, with names as comments and as
 * names, with and without --prune, in a world of awkward names (export-world.ts); every exported
 * document is also held against the shipped JSON Schema. A --prune export plans no removal, yet
 * owns its targets: an association added afterwards is the one removal plan then shows.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AssociateWorkspaceCommand, ConnectClient } from '@aws-sdk/client-connect';
import { parseAllDocuments } from 'yaml';
import { FAST, assertNoStackTrace, mutatingCalls, parseJson, perTest, runCli } from './helpers.js';
import {
  DIRECTORY,
  INSTANCE,
  OTHER_DIRECTORY,
  PROFILES,
  REGION,
  USERS,
  WS,
  assertSchemaAccepts,
  profileArn,
  settledSeed,
  unsettledSeed,
  userArn,
} from './export-world.js';

/** Rate limits far above what the sandbox needs (FAST without apply's --poll-interval). */
const RATES = FAST.filter((_, i) => i >= 2);
/** Long enough that no in-flight state moves during a test. */
const FROZEN = { stepDelayMs: 3_600_000 };

describe('cli: export', function () {
  this.timeout(120_000);
  const t = perTest();

  async function exportTo(name: string, args: string[]): Promise<string> {
    const file = join(t.dir, name);
    const r = await runCli(['export', ...args, ...RATES, '--out', file], { env: t.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'with --out, nothing on stdout');
    const text = await readFile(file, 'utf8');
    assertSchemaAccepts(text);
    for (const d of text.split(/^---$/m)) assert.match(d.trimStart(), /^# yaml-language-server: \$schema=\S+/, 'every document starts with the modeline');
    const ref = /\$schema=(\S+)/.exec(text)![1]!;
    if (!args.includes('--schema')) assert.ok(existsSync(resolve(dirname(file), ref)), `the modeline names the shipped schema relative to the file: ${ref}`);
    return file;
  }

  /** validate exits 0; plan --output json exits 0 (and 0 with --detailed-exitcode); returns the plan. */
  async function roundTrip(file: string): Promise<Record<string, any>> {
    const v = await runCli(['validate', file], { env: t.env() });
    assert.equal(v.code, 0, v.stderr + v.stdout);
    assert.doesNotMatch(v.stderr, /warning/i, 'validate has no warning for an export');
    t.sb.resetCalls();
    const p = await runCli(['plan', file, '--detailed-exitcode', ...RATES], { env: t.env() });
    assert.equal(p.code, 0, `plan --detailed-exitcode on the export:\n${p.stdout}${p.stderr}`);
    const j = await runCli(['plan', file, '--output', 'json', ...RATES], { env: t.env() });
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(mutatingCalls(t.sb.calls), []);
    return parseJson(j.stdout);
  }

  const docsOf = async (file: string) => parseAllDocuments(await readFile(file, 'utf8')) as unknown as import('yaml').Document[];
  const list = (d: import('yaml').Document, field: string) => (d.getIn(['spec', field], true) as import('yaml').YAMLSeq | undefined)?.toJSON() as unknown;
  const specOf = (docs: import('yaml').Document[], metadataName: string) => {
    const d = docs.find((x) => x.getIn(['metadata', 'name']) === metadataName);
    assert.ok(d, `no document ${metadataName} in ${docs.map((x) => x.getIn(['metadata', 'name'])).join(', ')}`);
    return d;
  };

  describe('--account: from an account reached by its Account document', () => {
    const EUC = '210987654321';
    const accountYaml = [
      'apiVersion: workspace-reconciler/v1',
      'kind: Account',
      'metadata:',
      '  name: euc-prod',
      'spec:',
      `  roleArn: arn:aws:iam::${EUC}:role/workspace-reconciler`,
      '  externalId: reconciler-demo',
      '',
    ].join('\n');

    it("every call acts in the role's account; each document names the Account; the export round-trips beside the Account document", async () => {
      await t.world({ ...FROZEN }); // the demo world: its second account holds directory d-9067e0c001
      const accountFile = join(t.dir, 'account.yaml');
      await writeFile(accountFile, accountYaml);
      t.sb.resetCalls();
      const file = await exportTo('euc.yaml', ['workspaces', '--directory', 'd-9067e0c001', '--names', '--account', 'euc-prod', '--accounts', accountFile]);
      const calls = t.sb.calls.filter((c) => c.service !== 'sts');
      assert.ok(calls.length > 0 && calls.every((c) => c.accountId === EUC && c.status === 200), JSON.stringify(calls.map((c) => [c.operation, c.accountId])));
      assert.deepEqual(t.sb.calls.filter((c) => c.operation === 'AssumeRole').map((c) => c.status), [200]);
      const docs = await docsOf(file);
      // ws-euc0000001 has nothing associated: no document without --prune.
      assert.deepEqual(docs.map((d) => [d.getIn(['metadata', 'name']), d.getIn(['spec', 'account'])]), [['euc2', 'euc-prod']]);
      assert.deepEqual(list(specOf(docs, 'euc2'), 'applications'), ['Google Chrome']);
      assert.match(await readFile(file, 'utf8'), /in us-east-1, account euc-prod \(210987654321\) by workspace-reconciler export/);
      const v = await runCli(['validate', file, accountFile], { env: t.env() });
      assert.equal(v.code, 0, v.stderr + v.stdout);
      const p = await runCli(['plan', file, accountFile, '--detailed-exitcode', ...RATES], { env: t.env() });
      assert.equal(p.code, 0, `plan --detailed-exitcode on the export:\n${p.stdout}${p.stderr}`);
      // Without the Account document the export is not a desired state on its own: validate says which is missing.
      const alone = await runCli(['validate', file], { env: t.env() });
      assert.equal(alone.code, 1);
      assert.match(alone.stderr, /euc-prod/);
    });

    it('bad input is exit 1 before any AWS call: --account without --accounts, an unknown name (with a suggestion), --accounts alone', async () => {
      await t.world({});
      const accountFile = join(t.dir, 'account.yaml');
      await writeFile(accountFile, accountYaml);
      t.sb.resetCalls();
      const cases: [string[], RegExp][] = [
        [['--account', 'euc-prod'], /--account needs --accounts/],
        [['--account', 'euc-prd', '--accounts', accountFile], /no Account document named 'euc-prd' .*did you mean 'euc-prod'/],
        [['--accounts', accountFile], /--accounts is for --account NAME/],
      ];
      for (const [args, message] of cases) {
        const r = await runCli(['export', 'workspaces', '--directory', 'd-9067e0c001', ...args], { env: t.env() });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, message);
        assertNoStackTrace(r.stderr);
        assert.equal(r.stdout, '');
      }
      assert.deepEqual(t.sb.calls, [], 'not one call, STS included');
    });
  });

  describe('connect', () => {
    beforeEach(() => t.world({ seed: settledSeed() }));

    it('ids with names as comments: round-trips; duplicates and odd names are explained beside their ids', async () => {
      t.sb.resetCalls();
      const file = await exportTo('connect.yaml', ['connect', '--instance', INSTANCE]);
      // One ListWorkspaces and one SearchWorkspaceAssociations scan: the comments' names come with the scan.
      assert.deepEqual(t.sb.calls.map((c) => c.operation).sort(), ['ListWorkspaces', 'SearchWorkspaceAssociations']);
      const text = await readFile(file, 'utf8');
      const docs = await docsOf(file);
      assert.deepEqual(docs.map((d) => d.getIn(['metadata', 'name'])), ['cafe-1', 'support-floor-w-floor-1', 'support-floor-w-floor-2', 'w-kanji']);
      assert.match(text, new RegExp(`workspaceId: ${WS.floor1} # Support floor \\(2 workspaces of instance ${INSTANCE} are named so\\)`));
      assert.match(text, /workspaceId: w-cafe # Café ☕ #1$/m);
      assert.ok(text.includes(`- ${userArn(USERS.colon.id)} # user a: b #c\n`), text);
      assert.ok(text.includes(`- ${profileArn(PROFILES.spaced.id)} # routing profile  Leading space\n`), text);
      assert.equal(specOf(docs, 'cafe-1').getIn(['spec', 'prune']), false);
      assert.doesNotMatch(text, /Nobody here\) of/, 'a workspace with nothing associated is left out without --prune');
      const p = await roundTrip(file);
      assert.deepEqual(p.summary, { associate: 0, disassociate: 0, deploy: 0, wait: 0, retry: 0, failed: 0 });
    });

    it('--names writes unique names and keeps ambiguous or unwritable ones as ids with the reason; round-trips', async () => {
      t.sb.resetCalls();
      const file = await exportTo('names.yaml', ['connect', '--instance', INSTANCE, '--names']);
      assert.deepEqual(t.sb.calls.map((c) => c.operation).sort(), ['ListRoutingProfiles', 'ListUsers', 'ListWorkspaces', 'SearchWorkspaceAssociations']);
      const docs = await docsOf(file);
      const cafe = specOf(docs, 'cafe-1');
      assert.equal(cafe.getIn(['spec', 'workspaceName']), 'Café ☕ #1');
      assert.equal(cafe.getIn(['spec', 'workspaceId']), undefined);
      assert.deepEqual(list(cafe, 'users'), ['a: b #c']);
      assert.deepEqual(list(cafe, 'routingProfiles'), ['Support – Tier 1 ✓']);
      // 'Basic' is two routing profiles and ' Leading space' cannot be read back as a name.
      // Sorted by what the comment calls them: '" Leading space"' before 'Basic'.
      assert.deepEqual(list(cafe, 'resourceArns'), [profileArn(PROFILES.spaced.id), profileArn(PROFILES.basic2.id)]);
      const text = await readFile(file, 'utf8');
      assert.ok(text.includes(`${profileArn(PROFILES.basic2.id)} # routing profile Basic (2 routing profiles of instance ${INSTANCE} are named so)`), text);
      assert.ok(text.includes(`${profileArn(PROFILES.spaced.id)} # routing profile " Leading space" (the name has invisible characters or surrounding spaces)`), text);
      // Two workspaces named 'Support floor': each stays an id.
      const floor = specOf(docs, 'support-floor-w-floor-1');
      assert.equal(floor.getIn(['spec', 'workspaceId']), WS.floor1);
      assert.deepEqual(list(floor, 'users'), ['José Núñez', 'yes']);
      assert.match(text, /^ {4}- "yes"$/m, 'a YAML 1.1 boolean is quoted');
      const kanji = specOf(docs, 'w-kanji');
      assert.deepEqual(list(kanji, 'users'), ['agent01']);
      assert.ok(text.includes(`- ${userArn(USERS.arnLike.id)} # user arn:not-really (the loader would read the name as an id)`), text);
      const p = await roundTrip(file);
      assert.equal(p.summary.associate + p.summary.disassociate, 0);
    });

    it('--names --prune: round-trips with no removal, allowEmpty for an empty workspace, and owns the workspace from then on', async () => {
      const file = await exportTo('prune.yaml', ['connect', '--instance', INSTANCE, '--names', '--prune']);
      const docs = await docsOf(file);
      const empty = specOf(docs, 'nobody-here');
      assert.equal(empty.getIn(['spec', 'prune']), true);
      assert.equal(empty.getIn(['spec', 'allowEmpty']), true);
      assert.deepEqual(list(empty, 'resourceArns'), []);
      const p = await roundTrip(file);
      assert.equal(p.summary.disassociate, 0, JSON.stringify(p.summary));

      // Someone associates a user by hand: the exported prune file now removes exactly that.
      const client = new ConnectClient({ region: REGION, endpoint: t.sb.endpoint, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' } });
      await client.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WS.empty, ResourceArns: [userArn(USERS.plain.id)] }));
      client.destroy();
      const after = await runCli(['plan', file, '--output', 'json'], { env: t.env() });
      const j = parseJson(after.stdout);
      assert.equal(j.summary.disassociate, 1, after.stdout);
    });

    it('--workspace by id and by unique name selects those; an ambiguous or unknown name is exit 1 with nothing written', async () => {
      const file = await exportTo('some.yaml', ['connect', '--instance', INSTANCE, '--workspace', 'Café ☕ #1', '--workspace', WS.floor2]);
      assert.deepEqual((await docsOf(file)).map((d) => d.getIn(['spec', 'workspaceId'])), [WS.cafe, WS.floor2]);

      const out = join(t.dir, 'never.yaml');
      const amb = await runCli(['export', 'connect', '--instance', INSTANCE, '--workspace', 'Support floor', '--out', out], { env: t.env() });
      assert.equal(amb.code, 1);
      assert.match(amb.stderr, new RegExp(`2 workspaces of instance ${INSTANCE} are named 'Support floor' \\(${WS.floor1}, ${WS.floor2}\\): pass --workspace with one of their ids`));
      const typo = await runCli(['export', 'connect', '--instance', INSTANCE, '--workspace', 'Support flor', '--out', out], { env: t.env() });
      assert.equal(typo.code, 1);
      assert.match(typo.stderr, /has no workspace with the id or name 'Support flor'; did you mean 'Support floor'\?/);
      const empty = await runCli(['export', 'connect', '--instance', INSTANCE, '--workspace', 'Nobody here', '--out', out], { env: t.env() });
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /nothing is associated with the workspace: without --prune there is nothing to write/);
      assert.equal(existsSync(out), false);
      assertNoStackTrace(amb.stderr + typo.stderr + empty.stderr);
    });

    it('an unknown instance, or the right instance in another --region, is exit 1 with a clear message', async () => {
      for (const args of [['--instance', 'ffff0000-0000-0000-0000-000000000000'], ['--instance', INSTANCE, '--region', 'eu-west-1']]) {
        const r = await runCli(['export', 'connect', ...args], { env: t.env() });
        assert.equal(r.code, 1, r.stdout);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /error: no Connect instance with that id in (us-east-1|eu-west-1) \(ListWorkspaces: ResourceNotFoundException/);
        assertNoStackTrace(r.stderr);
      }
    });
  });

  describe('workspaces', () => {
    it('a directory: round-trips with ids and with names, with and without --prune; states decide what is there', async () => {
      await t.world({ seed: settledSeed(), ...FROZEN });
      t.sb.resetCalls();
      const file = await exportTo('dir.yaml', ['workspaces', '--directory', DIRECTORY]);
      // One DescribeWorkspaces page, one DescribeWorkspaceAssociations per live WorkSpace, one catalogue scan.
      assert.deepEqual(t.sb.calls.map((c) => c.operation).sort(), ['DescribeApplications', 'DescribeWorkspaceAssociations', 'DescribeWorkspaceAssociations', 'DescribeWorkspaces']);
      const docs = await docsOf(file);
      assert.deepEqual(docs.map((d) => d.getIn(['metadata', 'name'])), ['zoe'], 'TERMINATED skipped; an empty WorkSpace has no document without --prune');
      const zoe = specOf(docs, 'zoe');
      // COMPLETED, INSTALLING and a terminal ERROR are there; UNINSTALLING and REMOVED are not.
      assert.deepEqual(list(zoe, 'applicationIds'), ['wsa-chrome0001', 'wsa-notepad001', 'wsa-office0001']);
      const text = await readFile(file, 'utf8');
      assert.match(text, /- ws-zoe0000001 # user zoë, directory d-1234567890$/m);
      assert.match(text, /- wsa-office0001 # Office – Ω, ERROR ValidationError\.InsufficientDiskSpace: plan reports it failed, nothing retries it$/m);
      assert.match(text, /^# Not exported: wsa-zoom000001 \(Zoom\) is UNINSTALLING, being removed\.$/m);
      const p = await roundTrip(file);
      assert.deepEqual(p.summary, { associate: 0, disassociate: 0, deploy: 0, wait: 1, retry: 0, failed: 1 });

      for (const extra of [['--names'], ['--prune'], ['--names', '--prune']]) {
        const f = await exportTo(`dir${extra.join('')}.yaml`, ['workspaces', '--directory', DIRECTORY, ...extra]);
        const d = await docsOf(f);
        if (extra.includes('--names')) {
          // 'Google Chrome' is the name of two applications: it stays an id.
          assert.deepEqual(list(specOf(d, 'zoe'), 'applications'), ['Notepad++', 'Office – Ω']);
          assert.deepEqual(list(specOf(d, 'zoe'), 'applicationIds'), ['wsa-chrome0001']);
        }
        if (extra.includes('--prune')) {
          assert.deepEqual(d.map((x) => x.getIn(['metadata', 'name'])), ['nobody', 'zoe']);
          assert.equal(specOf(d, 'nobody').getIn(['spec', 'allowEmpty']), true);
        }
        const q = await roundTrip(f);
        assert.equal(q.summary.disassociate, 0, `${extra.join(' ')}: ${JSON.stringify(q.summary)}`);
        assert.equal(q.summary.associate + q.summary.deploy, 0, `${extra.join(' ')}: ${JSON.stringify(q.summary)}`);
      }
    });

    it('--workspace-ids across directories: duplicate user names get unique metadata.names; duplicate application names stay ids', async () => {
      await t.world({ seed: settledSeed(), ...FROZEN });
      const file = await exportTo('ids.yaml', ['workspaces', '--workspace-ids', 'ws-zoe0000001', 'ws-zoe0000002', '--names', '--prune']);
      const docs = await docsOf(file);
      assert.deepEqual(docs.map((d) => d.getIn(['metadata', 'name'])), ['zoe-ws-zoe0000001', 'zoe-ws-zoe0000002']);
      const two = specOf(docs, 'zoe-ws-zoe0000002');
      assert.deepEqual(list(two, 'applicationIds'), ['wsa-chrome0002', 'wsa-idname0001']);
      assert.deepEqual(list(two, 'applications'), ['yes']);
      const text = await readFile(file, 'utf8');
      assert.match(text, /- wsa-chrome0002 # Google Chrome \(2 applications of the us-east-1 catalogue are named so\)$/m);
      assert.match(text, new RegExp(`- ws-zoe0000002 # user zoë, directory ${OTHER_DIRECTORY}$`, 'm'));
      const p = await roundTrip(file);
      assert.equal(p.summary.disassociate, 0);
    });

    it('states plan must act on anyway (PENDING_INSTALL, a retryable ERROR, PENDING_UNINSTALL) export so that plan only deploys', async () => {
      await t.world({ seed: unsettledSeed(), ...FROZEN });
      for (const extra of [[], ['--prune']]) {
        const file = await exportTo(`unsettled${extra.join('')}.yaml`, ['workspaces', '--workspace-ids', 'ws-pending0001', ...extra]);
        const spec = specOf(await docsOf(file), 'pat');
        assert.deepEqual(list(spec, 'applicationIds'), ['wsa-chrome0001', 'wsa-notepad001']);
        const v = await runCli(['validate', file], { env: t.env() });
        assert.equal(v.code, 0, v.stderr);
        const p = await runCli(['plan', file, '--output', 'json'], { env: t.env() });
        const j = parseJson(p.stdout);
        assert.equal(j.summary.associate, 0, p.stdout);
        assert.equal(j.summary.disassociate, 0, `${extra.join(' ')}: no removal of what exists: ${p.stdout}`);
        assert.equal(j.summary.deploy, 1, p.stdout);
      }
    });

    it('an unknown directory, an unknown WorkSpace id, or only terminated WorkSpaces is exit 1, nothing written', async () => {
      await t.world({ seed: settledSeed() });
      const cases: [string[], RegExp][] = [
        [['--directory', 'd-0000000000'], /no WorkSpace in directory d-0000000000 in us-east-1 \(DescribeWorkspaces lists none: is the directory id right, and the region\?\): nothing to export; nothing was written/],
        [['--workspace-ids', 'ws-zoe0000001', 'ws-nothere001'], /no WorkSpace ws-nothere001 in us-east-1/],
        [['--workspace-ids', 'ws-gone000001'], /no WorkSpace in the WorkSpaces asked for in us-east-1 that is not terminated/],
        [['--workspace-ids', 'ws-emptyws001', 'ws-emptyws001'], /nothing is associated with the WorkSpace: without --prune there is nothing to write/],
      ];
      for (const [args, message] of cases) {
        const out = join(t.dir, 'never.yaml');
        const r = await runCli(['export', 'workspaces', ...args, '--out', out], { env: t.env() });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.equal(existsSync(out), false);
        assertNoStackTrace(r.stderr);
      }
    });
  });

  describe('a failed look-up never becomes an export of less than what exists', () => {
    // With --prune, a document missing what AWS has would remove it: every failure is exit 1, no file.
    const cases: { reason: string; operation: string; args: string[] }[] = [
      { reason: 'the association scan', operation: 'SearchWorkspaceAssociations', args: ['connect', '--instance', INSTANCE, '--prune'] },
      { reason: 'the user list (--names)', operation: 'ListUsers', args: ['connect', '--instance', INSTANCE, '--prune', '--names'] },
      { reason: "a WorkSpace's associations", operation: 'DescribeWorkspaceAssociations', args: ['workspaces', '--directory', DIRECTORY, '--prune'] },
      { reason: 'the application catalogue', operation: 'DescribeApplications', args: ['workspaces', '--directory', DIRECTORY, '--prune', '--names'] },
    ];
    for (const tc of cases) {
      it(`${tc.reason}: AccessDenied is exit 1 and writes nothing`, async () => {
        await t.world({ seed: settledSeed(), faults: { scriptedErrors: [{ operation: tc.operation, code: 'AccessDeniedException', times: 1 }] } });
        const out = join(t.dir, 'never.yaml');
        const r = await runCli(['export', ...tc.args, '--out', out], { env: t.env() });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, new RegExp(`error: cannot read what AWS has: ${tc.operation}.* failed: AccessDeniedException.*; nothing was written`));
        assert.equal(existsSync(out), false);
        assertNoStackTrace(r.stderr);
      });
    }
  });

  it('--call-timeout bounds each call: an endpoint that never answers is exit 1, not a hang', async () => {
    await t.world({ seed: settledSeed(), faults: { hangs: [{ operation: 'ListWorkspaces' }] } });
    const r = await runCli(['export', 'connect', '--instance', INSTANCE, '--call-timeout', '300ms'], { env: t.env({ AWS_MAX_ATTEMPTS: '2' }) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: cannot read what AWS has: ListWorkspaces failed: (ETIMEDOUT|TimeoutError).*300 ms.*; nothing was written/);
    assert.equal(r.stdout, '');
    assertNoStackTrace(r.stderr);
  });

  it('a directory of 30 WorkSpaces: two DescribeWorkspaces pages, one DescribeWorkspaceAssociations each; by ids, two calls of 25 and 5', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `ws-fleet${String(i).padStart(5, '0')}`);
    const seed = settledSeed();
    seed.accounts[0]!.regions[REGION]!.workspaces!.workspaces = ids.map((id, i) => ({ id, directoryId: DIRECTORY, userName: `user${i}`, applications: i % 2 ? [{ id: 'wsa-zoom000001' }] : [] }));
    await t.world({ seed });
    t.sb.resetCalls();
    const file = await exportTo('fleet.yaml', ['workspaces', '--directory', DIRECTORY, '--prune', '--schema', 'https://example.com/desired-state.schema.json']);
    const count = (op: string) => t.sb.calls.filter((c) => c.operation === op).length;
    assert.equal(count('DescribeWorkspaces'), 2);
    assert.equal(count('DescribeWorkspaceAssociations'), 30);
    assert.equal(count('DescribeApplications'), 1);
    assert.equal((await docsOf(file)).length, 30);
    assert.match(await readFile(file, 'utf8'), /^# yaml-language-server: \$schema=https:\/\/example\.com\/desired-state\.schema\.json$/m);
    await roundTrip(file);

    t.sb.resetCalls();
    const r = await runCli(['export', 'workspaces', '--workspace-ids', ...ids], { env: t.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(t.sb.calls.filter((c) => c.operation === 'DescribeWorkspaces').length, 2);
    assert.equal(parseAllDocuments(r.stdout).length, 15, 'without --prune, the 15 WorkSpaces with nothing associated have no document');
  });

  it('bad input is exit 1 before any AWS call', async () => {
    await t.world({ seed: settledSeed() });
    const cases: [string[], RegExp][] = [
      [['connect'], /required option '--instance <id>' not specified/],
      [['connect', '--instance', 'a/b'], /expected a Connect instance id/],
      [['connect', '--instance', INSTANCE, '--workspace', ' padded'], /expected a workspace id or name/],
      [['connect', '--instance', INSTANCE, '--region', 'mars'], /expected an AWS region/],
      [['connect', '--instance', INSTANCE, '--call-timeout', '0'], /expected a duration > 0/],
      [['workspaces'], /give --directory ID or --workspace-ids ID/],
      [['workspaces', '--directory', 'd-XYZ'], /expected a directory id/],
      [['workspaces', '--workspace-ids', 'wsa-chrome0001'], /expected a WorkSpace id/],
      [['workspaces', '--directory', DIRECTORY, '--workspace-ids', 'ws-zoe0000001'], /cannot be used with/],
      [['workspaces', '--directory', DIRECTORY], /no region: pass --region, or set AWS_REGION/],
    ];
    for (const [args, message] of cases) {
      const env = message.source.startsWith('no region') ? t.env({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }) : t.env();
      const r = await runCli(['export', ...args], { env });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assertNoStackTrace(r.stderr);
    }
    assert.deepEqual(t.sb.calls, [], 'no AWS call');
  });

  it('--log-level debug logs each AWS call; stdout holds the YAML alone; a second export of the same world is byte-identical', async () => {
    await t.world({ seed: settledSeed() });
    const a = await runCli(['export', 'connect', '--instance', INSTANCE, '--log-level', 'debug'], { env: t.env() });
    assert.equal(a.code, 0, a.stderr);
    const ops = a.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; operation?: string }).filter((l) => l.msg === 'AWS call').map((l) => l.operation);
    assert.deepEqual(ops.sort(), ['ListWorkspaces', 'SearchWorkspaceAssociations']);
    assertSchemaAccepts(a.stdout);
    const b = await runCli(['export', 'connect', '--instance', INSTANCE], { env: t.env() });
    assert.equal(b.stdout, a.stdout);
    // And the stdout export round-trips as a file too.
    const file = join(t.dir, 'stdout.yaml');
    await writeFile(file, a.stdout);
    await roundTrip(file);
  });
});
