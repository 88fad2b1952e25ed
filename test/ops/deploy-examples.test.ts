// Checks that the deployment examples parse and keep the promises their comments make: the
// least-privilege IAM policy, probes on the daemon's --listen port, no overlapping runs, a
// non-root image. These files are copied into production by operators, so a typo here is a bug.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const DEPLOY = fileURLToPath(new URL('../../examples/deploy/', import.meta.url));

const READ_ACTIONS = [
  'connect:SearchWorkspaceAssociations',
  'workspaces:DescribeWorkspaceAssociations',
  // The application-side view of WorkSpaces, when it needs fewer calls (src/providers/workspaces/view.ts).
  'workspaces:DescribeApplicationAssociations',
  // The look-ups of names and selectors (src/resolve): examples/ is written with them.
  'connect:ListWorkspaces',
  'connect:ListUsers',
  'connect:ListRoutingProfiles',
  'connect:SearchUsers',
  'workspaces:DescribeApplications',
  'workspaces:DescribeWorkspaces',
  'workspaces:DescribeTags',
];
const WRITE_ACTIONS = [
  'connect:AssociateWorkspace',
  'connect:DisassociateWorkspace',
  'workspaces:AssociateWorkspaceApplication',
  'workspaces:DisassociateWorkspaceApplication',
  'workspaces:DeployWorkspaceApplications',
];

type Obj = Record<string, any>; // parsed manifests are untyped by nature

function filesUnder(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(test)
    .map((f) => join(dir, f))
    .sort();
}

function yamlDocs(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  assert.ok(Array.isArray(docs), `${file}: expected documents`);
  for (const doc of docs) {
    assert.deepEqual(doc.errors.map(String), [], `${file}: YAML errors`);
    assert.deepEqual(doc.warnings.map(String), [], `${file}: YAML warnings`);
  }
  return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as Obj).filter((d) => d !== null);
}

function manifests(file: string, kind: string): Obj[] {
  return yamlDocs(join(DEPLOY, file)).filter((d) => d.kind === kind);
}

/** "--flag value" or "--flag=value" in an argument list. */
function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** Go-style durations as the tool takes them: 30s, 10m, 1h. */
function seconds(duration: string | undefined): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration ?? '');
  assert.ok(match, `unexpected duration ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

function actionsOf(statements: Obj[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

describe('examples/deploy', () => {
  const yamlFiles = filesUnder(DEPLOY, (f) => /\.ya?ml$/.test(f));
  const jsonFiles = filesUnder(DEPLOY, (f) => f.endsWith('.json'));

  it('has the YAML and JSON files the README describes', () => {
    assert.deepEqual(
      [...yamlFiles, ...jsonFiles].map((f) => relative(DEPLOY, f)).sort(),
      [
        'github-actions/reconcile.yml',
        'iam/assume-roles.json',
        'iam/policy-lease-table.json',
        'iam/policy-readonly.json',
        'iam/policy.json',
        'iam/trust-policy.json',
        'kubernetes/cronjob.yaml',
        'kubernetes/deployment-ha.yaml',
        'kubernetes/deployment.yaml',
        'kubernetes/prometheusrule.yaml',
        'prometheus/alerts.yaml',
      ],
    );
  });

  for (const file of yamlFiles) {
    it(`${relative(DEPLOY, file)} parses as YAML without errors or warnings`, () => {
      assert.ok(yamlDocs(file).length > 0);
    });
  }
  for (const file of jsonFiles) {
    it(`${relative(DEPLOY, file)} parses as JSON`, () => {
      assert.equal(typeof JSON.parse(readFileSync(file, 'utf8')), 'object');
    });
  }

  describe('IAM policies', () => {
    // Read in hooks, not while mocha collects tests: a broken file fails these tests, not the run.
    let policy: Obj;
    let readonly: Obj;
    let leases: Obj;
    before(() => {
      policy = JSON.parse(readFileSync(join(DEPLOY, 'iam/policy.json'), 'utf8'));
      readonly = JSON.parse(readFileSync(join(DEPLOY, 'iam/policy-readonly.json'), 'utf8'));
      leases = JSON.parse(readFileSync(join(DEPLOY, 'iam/policy-lease-table.json'), 'utf8'));
    });

    const cases: { reason: string; statements: () => Obj[]; want: string[] }[] = [
      { reason: 'policy.json grants exactly the fifteen actions the tool calls', statements: () => policy.Statement, want: [...READ_ACTIONS, ...WRITE_ACTIONS] },
      { reason: "policy.json's read statements hold only the read actions", statements: () => policy.Statement.filter((s: Obj) => s.Sid.startsWith('Read')), want: READ_ACTIONS },
      { reason: "policy.json's write statements hold only the write actions", statements: () => policy.Statement.filter((s: Obj) => s.Sid.startsWith('Write')), want: WRITE_ACTIONS },
      { reason: 'policy-readonly.json grants only the read actions', statements: () => readonly.Statement, want: READ_ACTIONS },
      {
        reason: 'policy-lease-table.json grants exactly what the lease table is used for (no CreateTable: the table is made beforehand)',
        statements: () => leases.Statement,
        want: ['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      },
    ];
    for (const tc of cases) {
      it(tc.reason, () => {
        assert.deepEqual(actionsOf(tc.statements()), [...tc.want].sort());
      });
    }

    it('Accounts: each target role trusts the reconciler role (with the external id), which may assume exactly those roles', () => {
      const trust = JSON.parse(readFileSync(join(DEPLOY, 'iam/trust-policy.json'), 'utf8')) as Obj;
      const assume = JSON.parse(readFileSync(join(DEPLOY, 'iam/assume-roles.json'), 'utf8')) as Obj;
      const [t] = trust.Statement as Obj[];
      assert.equal(t.Effect, 'Allow');
      assert.equal(t.Action, 'sts:AssumeRole');
      assert.match(t.Principal.AWS, /^arn:aws:iam::\w+:role\/workspace-reconciler$/);
      assert.ok(t.Condition.StringEquals['sts:ExternalId'], 'the external id condition');
      assert.deepEqual(actionsOf(assume.Statement), ['sts:AssumeRole']);
      assert.ok((assume.Statement as Obj[]).every((s) => s.Resource.every((r: string) => /^arn:aws:iam::\w+:role\//.test(r))));
    });

    it('the actions are exactly the AWS commands the providers send (src/providers), so a new call cannot be forgotten here', () => {
      const providers = fileURLToPath(new URL('../../src/providers/', import.meta.url));
      const sent = new Set<string>();
      for (const file of filesUnder(providers, (f) => f.endsWith('.ts'))) {
        const text = readFileSync(file, 'utf8');
        const service = (['connect', 'workspaces', 'sts'] as const).find((svc) => text.includes(`from '@aws-sdk/client-${svc}'`));
        for (const m of text.matchAll(/new ([A-Z][A-Za-z]+)Command\(/g)) sent.add(`${service}:${m[1]}`);
      }
      // STS: GetCallerIdentity needs no permission (AWS allows it to every principal); AssumeRole
      // is granted by iam/assume-roles.json.
      assert.deepEqual([...sent].filter((a) => a.startsWith('sts:')), ['sts:GetCallerIdentity']);
      assert.deepEqual([...sent].filter((a) => !a.startsWith('sts:')).sort(), [...READ_ACTIONS, ...WRITE_ACTIONS].sort());
    });

    it('every statement allows, has no wildcard action and no bare "*" resource', () => {
      for (const doc of [policy, readonly, leases]) {
        assert.equal(doc.Version, '2012-10-17');
        for (const s of doc.Statement as Obj[]) {
          assert.equal(s.Effect, 'Allow', s.Sid);
          assert.ok(actionsOf([s]).every((a) => !a.includes('*')), s.Sid);
          assert.ok(s.Resource.length > 0 && s.Resource.every((r: string) => r.startsWith('arn:aws:')), s.Sid);
        }
      }
    });
  });

  describe('kubernetes/deployment.yaml', () => {
    let deployment: Obj;
    let pod: Obj;
    let daemon: Obj;
    let host: string;
    let port: string;
    before(() => {
      [deployment] = manifests('kubernetes/deployment.yaml', 'Deployment');
      pod = deployment.spec.template.spec;
      daemon = (pod.containers as Obj[]).find((c) => c.args?.[0] === 'run') as Obj;
      [host, port] = (flag(daemon.args, '--listen') ?? '').split(':');
    });

    /** A probe's port: a number, or the name of one of the container's ports. */
    const probePort = (probe: Obj): number =>
      typeof probe.httpGet.port === 'number'
        ? probe.httpGet.port
        : (daemon.ports as Obj[]).find((p) => p.name === probe.httpGet.port)?.containerPort;

    it('runs one daemon, replaced with Recreate so two never overlap', () => {
      assert.equal(deployment.spec.replicas, 1);
      assert.equal(deployment.spec.strategy.type, 'Recreate');
    });
    it('listens on 0.0.0.0 so the kubelet and Prometheus can reach it', () => {
      assert.equal(host, '0.0.0.0');
      assert.match(port, /^\d+$/);
    });
    const probes: { reason: string; probe: string; path: string }[] = [
      { reason: 'the liveness probe asks /healthz on the --listen port', probe: 'livenessProbe', path: '/healthz' },
      { reason: 'the readiness probe asks /readyz on the --listen port', probe: 'readinessProbe', path: '/readyz' },
    ];
    for (const tc of probes) {
      it(tc.reason, () => {
        assert.equal(daemon[tc.probe].httpGet.path, tc.path);
        assert.equal(probePort(daemon[tc.probe]), Number(port));
      });
    }
    it('the Prometheus annotations point at the same port and /metrics', () => {
      const annotations = deployment.spec.template.metadata.annotations as Obj;
      assert.equal(annotations['prometheus.io/scrape'], 'true');
      assert.equal(annotations['prometheus.io/port'], port);
      assert.equal(annotations['prometheus.io/path'], '/metrics');
    });
    it('gives the drain more time than --shutdown-timeout', () => {
      assert.ok(pod.terminationGracePeriodSeconds > seconds(flag(daemon.args, '--shutdown-timeout')));
    });
    it('runs every container non-root on a read-only root file system', () => {
      assert.equal(pod.securityContext.runAsNonRoot, true);
      for (const c of [...pod.initContainers, ...pod.containers] as Obj[]) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
        assert.notEqual(c.securityContext.runAsUser, 0, c.name);
      }
    });
    it('has a git-sync sidecar writing the volume the daemon reads, read-only', () => {
      const sync = (pod.containers as Obj[]).find((c) => String(c.image).startsWith('registry.k8s.io/git-sync/git-sync:v4')) as Obj;
      assert.ok(sync, 'git-sync sidecar');
      const root = flag(sync.args, '--root') ?? '';
      const link = flag(sync.args, '--link') ?? '';
      assert.ok(daemon.args[1].startsWith(`${root}/${link}/`), `${daemon.args[1]} is under ${root}/${link}`);
      const mount = (daemon.volumeMounts as Obj[]).find((m) => m.mountPath === root) as Obj;
      assert.equal(mount.readOnly, true);
      assert.ok((sync.volumeMounts as Obj[]).some((m) => m.name === mount.name && m.mountPath === root));
    });
  });

  describe('kubernetes/deployment-ha.yaml', () => {
    let deployment: Obj;
    let pod: Obj;
    let daemon: Obj;
    let pdb: Obj;
    before(() => {
      [deployment] = manifests('kubernetes/deployment-ha.yaml', 'Deployment');
      [pdb] = manifests('kubernetes/deployment-ha.yaml', 'PodDisruptionBudget');
      pod = deployment.spec.template.spec;
      daemon = (pod.containers as Obj[]).find((c) => c.args?.[0] === 'run') as Obj;
    });

    it('runs two replicas that coordinate through a lease table', () => {
      assert.equal(deployment.spec.replicas, 2);
      assert.match(flag(daemon.args, '--lease-table') ?? '', /^[A-Za-z0-9_.-]{3,255}$/);
      assert.ok(!daemon.args.includes('--create-lease-table'), 'the table is created beforehand: the pods need no CreateTable');
    });
    it('a PodDisruptionBudget keeps one replica up through voluntary disruptions, and selects these pods', () => {
      assert.equal(pdb.spec.minAvailable, 1);
      assert.ok(pdb.spec.minAvailable < deployment.spec.replicas);
      assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
      assert.equal(pdb.metadata.namespace, deployment.metadata.namespace);
    });
    it('rolls out without taking a replica away first, and spreads the pods over nodes', () => {
      assert.equal(deployment.spec.strategy.type, 'RollingUpdate');
      assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0);
      assert.equal(pod.topologySpreadConstraints[0].topologyKey, 'kubernetes.io/hostname');
    });
    it('probes /healthz and /readyz on the --listen port (0.0.0.0) and drains longer than --shutdown-timeout', () => {
      const port = Number((flag(daemon.args, '--listen') ?? '').split(':')[1]);
      assert.equal(flag(daemon.args, '--listen'), `0.0.0.0:${port}`);
      const portOf = (p: Obj) => (typeof p.httpGet.port === 'number' ? p.httpGet.port : (daemon.ports as Obj[]).find((x) => x.name === p.httpGet.port)?.containerPort);
      assert.deepEqual([daemon.livenessProbe.httpGet.path, portOf(daemon.livenessProbe)], ['/healthz', port]);
      assert.deepEqual([daemon.readinessProbe.httpGet.path, portOf(daemon.readinessProbe)], ['/readyz', port]);
      assert.ok(pod.terminationGracePeriodSeconds > seconds(flag(daemon.args, '--shutdown-timeout')));
    });
  });

  describe('kubernetes/cronjob.yaml', () => {
    let cron: Obj;
    let job: Obj;
    let apply: Obj;
    before(() => {
      [cron] = manifests('kubernetes/cronjob.yaml', 'CronJob');
      job = cron.spec.jobTemplate.spec;
      apply = (job.template.spec.containers as Obj[]).find((c) => c.args?.[0] === 'apply') as Obj;
    });

    it('forbids concurrent runs', () => {
      assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
    });
    it('lets apply hit its own --timeout before the Job deadline kills it', () => {
      assert.ok(job.activeDeadlineSeconds > seconds(flag(apply.args, '--timeout')));
      assert.ok(Number.isInteger(job.backoffLimit));
    });
    it('clones once with git-sync --one-time before apply', () => {
      const clone = job.template.spec.initContainers[0] as Obj;
      assert.ok(clone.args.includes('--one-time'));
    });
  });

  describe('Dockerfile', () => {
    let dockerfile: string;
    let instructions: string[];
    before(() => {
      dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
      instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));
    });

    it('runs as a non-root USER', () => {
      const users = instructions.filter((l) => l.startsWith('USER '));
      assert.ok(users.length > 0, 'a USER instruction');
      assert.ok(!/^USER\s+(root|0)(:|\s*$)/.test(users[users.length - 1]), users[users.length - 1]);
    });
    it('installs production dependencies only in the runtime stage', () => {
      const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      assert.match(runtime, /^RUN npm ci --omit=dev --ignore-scripts/m);
      assert.match(runtime, /^COPY --from=build \/app\/dist/m);
    });
    it('starts the bin entry of package.json', () => {
      const pkg = JSON.parse(readFileSync(join(DEPLOY, '../../package.json'), 'utf8')) as Obj;
      assert.ok(instructions.includes(`ENTRYPOINT ["node", "/app/${pkg.bin['workspace-reconciler']}"]`));
    });
  });

  describe('systemd', () => {
    const unit = (name: string) => readFileSync(join(DEPLOY, 'systemd', name), 'utf8');
    const setting = (text: string, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1];

    it('the daemon stops later than its --shutdown-timeout', () => {
      const text = unit('workspace-reconciler.service');
      const execStart = text.replace(/\\\n\s*/g, ' ');
      const shutdown = seconds(/--shutdown-timeout (\S+)/.exec(execStart)?.[1]);
      assert.ok(Number(setting(text, 'TimeoutStopSec')) > shutdown);
      assert.equal(setting(text, 'Type'), 'simple');
      assert.equal(setting(text, 'Restart'), 'on-failure');
    });
    it('the apply timer fires every 15 minutes, persistent, randomized', () => {
      const text = unit('workspace-reconciler-apply.timer');
      assert.equal(setting(text, 'OnCalendar'), '*:0/15');
      assert.equal(setting(text, 'Persistent'), 'true');
      assert.ok(setting(text, 'RandomizedDelaySec'));
      assert.equal(setting(unit('workspace-reconciler-apply.service'), 'Type'), 'oneshot');
    });
  });

  it('github-actions: applies never overlap and are never cancelled half-way', () => {
    const [workflow] = yamlDocs(join(DEPLOY, 'github-actions/reconcile.yml'));
    assert.equal(workflow.jobs.apply.concurrency['cancel-in-progress'], false);
    assert.ok(workflow.jobs.apply.concurrency.group);
    assert.equal(workflow.jobs.apply.permissions['id-token'], 'write');
  });

  // What was reviewed is what is applied: the pull request's saved plan is the one applied on merge.
  describe('github-actions: the reviewed plan is saved on the pull request and applied on merge', () => {
    let workflow: Obj;
    let plan: Obj[];
    let apply: Obj[];
    before(() => {
      [workflow] = yamlDocs(join(DEPLOY, 'github-actions/reconcile.yml'));
      plan = workflow.jobs.plan.steps as Obj[];
      apply = workflow.jobs.apply.steps as Obj[];
    });
    /** The tool's command lines in a step's script (comments and continuations removed). */
    const commands = (step: Obj) =>
      String(step.run ?? '')
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .filter((l) => !/^\s*#/.test(l) && l.includes('node "$RECONCILER"'))
        .map((l) => l.trim().split(/\s+/));
    const savedBy = (steps: Obj[]) => steps.flatMap(commands).filter((args) => args[2] === 'plan');

    it('plan saves the plan it comments (--out), outside the desired state', () => {
      const [args, ...more] = savedBy(plan);
      assert.equal(more.length, 0);
      const out = flag(args, '--out');
      assert.ok(out, 'plan --out FILE');
      assert.equal(flag(args, '--output'), 'markdown');
      assert.ok(args.includes('--detailed-exitcode'));
      assert.ok(!out.startsWith(`${workflow.env.DESIRED_STATE}/`), `${out} is not desired state`);
    });
    it('uploads that file as an artifact named after the pull request, after the plan and only when it was written', () => {
      const out = flag(savedBy(plan)[0], '--out');
      const planAt = plan.findIndex((s) => savedBy([s]).length > 0);
      const upload = plan.findIndex((s) => String(s.uses).startsWith('actions/upload-artifact@'));
      assert.ok(planAt >= 0 && upload > planAt, `plan ${planAt} < upload ${upload}`);
      assert.equal(plan[upload].with.path, out);
      assert.equal(plan[upload].with.name, 'plan-${{ github.event.pull_request.number }}');
      assert.equal(plan[upload].with['if-no-files-found'], 'error');
      assert.match(String(plan[upload].if), /status == '0'.*status == '2'|status == '2'.*status == '0'/);
    });
    it('a push to main downloads the merged pull request\'s artifact and applies exactly it with apply --plan (no paths)', () => {
      const download = apply.findIndex((s) => /gh run download\b/.test(String(s.run)));
      assert.ok(download >= 0, 'a download step');
      assert.equal(apply[download].if, "github.event_name == 'push'");
      const m = /gh run download "\$run" --repo "\$GITHUB_REPOSITORY" --name "plan-\$pr" --dir (\S+)/.exec(String(apply[download].run));
      assert.ok(m, 'downloads the artifact plan-<pr>');
      assert.match(String(apply[download].run), /--event pull_request --commit "\$head" --status success/);
      const applies = apply.map((s, i) => ({ i, s, args: commands(s).find((a) => a[2] === 'apply') })).filter((x) => x.args && x.args.includes('--plan'));
      assert.equal(applies.length, 1);
      const { i, s, args } = applies[0];
      assert.ok(i > download);
      assert.equal(s.if, "github.event_name == 'push'");
      assert.equal(flag(args!, '--plan'), `${m[1]}/${flag(savedBy(plan)[0], '--out')}`);
      // The plan names its files: apply --plan takes no desired-state path.
      assert.ok(!args!.includes('"$DESIRED_STATE"'));
      assert.ok(flag(args!, '--max-plan-age'));
      assert.equal(workflow.jobs.apply.permissions.actions, 'read');
    });
    it('a plain apply of main (no reviewed plan) runs only on a manual dispatch', () => {
      const plain = apply.filter((s) => commands(s).some((a) => a[2] === 'apply' && !a.includes('--plan')));
      assert.ok(plain.length > 0);
      for (const s of plain) assert.equal(s.if, "github.event_name == 'workflow_dispatch'");
    });
  });

  // The tool is not on npm: anything installed by its name would be someone else's code, run with
  // the operator's AWS role. Every example builds it from a pinned commit or runs an image by digest.
  describe('the tool comes from a pinned commit or image digest, never from npm by name', () => {
    const byName = /\bnpm\s+(?:install|i|add)\b[^\n]*\bworkspace-reconciler\b|\bnpx\s+(?:--?\S+\s+)*workspace-reconciler\b/;
    /** The example files minus their comment lines (comments may explain what not to do). */
    const code = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    const examples = filesUnder(DEPLOY, (f) => !f.endsWith('README.md')).filter((f) => statSync(f).isFile());

    it('the workflow never installs or runs a version of it from the registry', () => {
      // Comments included: `npm install --global "workspace-reconciler@${VERSION}"` was the old form.
      const text = readFileSync(join(DEPLOY, 'github-actions/reconcile.yml'), 'utf8');
      assert.doesNotMatch(text, /\bnpm\s+(?:install|i|add)\b[^\n]*workspace-reconciler@/);
      assert.doesNotMatch(text, /\bnpx\b[^\n]*workspace-reconciler@/);
    });
    for (const file of examples) {
      it(`${relative(DEPLOY, file)} installs nothing by the tool's name`, () => {
        assert.doesNotMatch(code(file), byName);
      });
    }

    const jobs = ['plan', 'apply'];
    for (const name of jobs) {
      it(`github-actions ${name}: checks the tool out at a full commit SHA, builds it before the AWS credentials, runs the build`, () => {
        const [workflow] = yamlDocs(join(DEPLOY, 'github-actions/reconcile.yml'));
        const steps = workflow.jobs[name].steps as Obj[];
        const tool = steps.findIndex((s) => String(s.uses).startsWith('actions/checkout@') && s.with?.repository);
        assert.ok(tool >= 0, 'a checkout of the tool repository');
        const checkout = steps[tool].with as Obj;
        assert.match(String(checkout.ref), /^[0-9a-f]{40}$/, 'ref is a full commit SHA');
        assert.equal(checkout['persist-credentials'], false);
        const build = steps.findIndex((s) => s['working-directory'] === checkout.path && /^npm ci --ignore-scripts && npm run build$/.test(String(s.run).trim()));
        const aws = steps.findIndex((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
        assert.ok(tool < build && build < aws, `checkout ${tool} < build ${build} < AWS credentials ${aws}`);
        assert.equal(workflow.env.RECONCILER, `${checkout.path}/dist/cmd/workspace-reconciler.js`);
        const runs = steps.map((s) => String(s.run ?? '')).filter((r) => /\b(validate|plan|apply)\b "\$DESIRED_STATE"/.test(r));
        assert.ok(runs.length >= 2);
        for (const r of runs) assert.match(r, /node "\$RECONCILER" (validate|plan|apply) "\$DESIRED_STATE"/);
      });
    }

    for (const file of ['kubernetes/deployment.yaml', 'kubernetes/deployment-ha.yaml', 'kubernetes/cronjob.yaml']) {
      it(`${file} runs the tool's image by digest`, () => {
        const [workload] = yamlDocs(join(DEPLOY, file)).filter((d) => d.kind === 'Deployment' || d.kind === 'CronJob');
        const pod = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
        const tool = (pod.containers as Obj[]).filter((c) => ['run', 'apply'].includes(c.args?.[0]));
        assert.equal(tool.length, 1);
        assert.match(tool[0].image, /^[^@\s]+\/workspace-reconciler@sha256:[0-9a-f]{64}$/);
      });
    }

    const hosts = [
      { file: 'cron/crontab', command: (t: string) => t.split('\n').filter((l) => /^[*\d]/.test(l)) },
      { file: 'systemd/workspace-reconciler.service', command: (t: string) => [/^ExecStart=.*$/m.exec(t)?.[0] ?? ''] },
      { file: 'systemd/workspace-reconciler-apply.service', command: (t: string) => [/^ExecStart=.*$/m.exec(t)?.[0] ?? ''] },
    ];
    for (const tc of hosts) {
      it(`${tc.file} runs the built checkout with node, not a command installed by name`, () => {
        const lines = tc.command(readFileSync(join(DEPLOY, tc.file), 'utf8'));
        assert.ok(lines.length > 0 && lines.every((l) => l.includes('node /opt/workspace-reconciler/dist/cmd/workspace-reconciler.js ')), lines.join('\n'));
      });
    }
  });
});
