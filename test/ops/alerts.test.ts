/**
 * The alerting rules of examples/deploy/: the plain Prometheus rules file and the PrometheusRule
 * hold the same groups, every rule is complete, and every metric any expression names is one the
 * daemon's /metrics really serves (a series, not only a HELP line): the built CLI is started
 * against the sandbox and scraped. The metric names come from the files, so a rule added later
 * (say, on leader_election_master_status) passes here as soon as the daemon serves its metric.
 */
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cliEnv, FAST, removeDir, ROOT, startCli, tempDir, waitFor, type RunningCli } from '../cli/helpers.js';
import { samples, waitForAsync } from '../daemon/harness.js';
import { startLocalDynamo, type LocalDynamo } from '../coordination/local-dynamodb.js';

const PLAIN = join(ROOT, 'examples/deploy/prometheus/alerts.yaml');
/**
 * The daemon scraped: observe-only on the demo world as seeded, so it drifts (the per-target
 * drift series exist) and its passes succeed (the last-success timestamps exist); and one
 * replica of several (--lease-table on a local dynalite), so the coordination metrics the
 * coordination rules name are served too.
 */
const LEASE_TABLE = 'reconciler-leases';
const DAEMON_ARGS = ['--observe-only', '--lease-table', LEASE_TABLE, '--create-lease-table', '--lease-identity', 'alerts-test'];
const OPERATOR = join(ROOT, 'examples/deploy/kubernetes/prometheusrule.yaml');

type Obj = Record<string, any>; // parsed YAML is untyped by nature

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

async function yamlDocs(file: string): Promise<Obj[]> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'));
  assert.ok(Array.isArray(docs), `${file}: expected documents`);
  for (const d of docs) {
    assert.deepEqual(d.errors.map(String), [], `${file}: YAML errors`);
    assert.deepEqual(d.warnings.map(String), [], `${file}: YAML warnings`);
  }
  return docs.map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

async function plainGroups(): Promise<Obj[]> {
  const docs = await yamlDocs(PLAIN);
  assert.equal(docs.length, 1);
  assert.deepEqual(Object.keys(docs[0]!), ['groups']);
  return docs[0]!.groups as Obj[];
}

async function operatorRule(): Promise<Obj> {
  const docs = await yamlDocs(OPERATOR);
  assert.equal(docs.length, 1);
  return docs[0]!;
}

function rulesOf(groups: Obj[]): Rule[] {
  return groups.flatMap((g) => g.rules as Rule[]);
}

/** PromQL's words that are not metric names: operators, modifiers, and the few literals. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names an expression selects. Strings, label matchers `{…}`, ranges `[…]` and the
 * label lists of by/without/on/ignoring/group_* are dropped; a name followed by `(` is a
 * function or an aggregation; what is left, apart from keywords and numbers, is a metric.
 */
function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:])(\s*\()?/g)) {
    if (m[1] !== undefined) continue; // a function or aggregation
    const word = m[0];
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (/^\d/.test(word) || /^0x/i.test(word)) continue;
    names.add(word);
  }
  return [...names].sort();
}

/** Prometheus durations: 30s, 5m, 1h30m… */
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

describe('examples/deploy: alerting rules', () => {
  it('the metric-name reader finds metrics, not functions, keywords, labels or numbers', () => {
    const cases: { expr: string; want: string[] }[] = [
      { expr: 'time() - foo_seconds > 1800', want: ['foo_seconds'] },
      { expr: 'sum by (job, instance, kind) (a_total{kind="connect", x=~"y|z"}) > 0', want: ['a_total'] },
      { expr: '(time() - p > 1800) and on (job, instance) q unless on(job) r', want: ['p', 'q', 'r'] },
      { expr: 'max_over_time(leader_election_master_status{name="workspace-reconciler"}[5m]) == 0', want: ['leader_election_master_status'] },
      { expr: 'rate(x_total[5m] offset 1h) / ignoring(le) group_left(kind) y', want: ['x_total', 'y'] },
    ];
    for (const tc of cases) assert.deepEqual(metricNames(tc.expr), tc.want, tc.expr);
  });

  it('the PrometheusRule holds exactly the groups of the plain rules file', async () => {
    const pr = await operatorRule();
    assert.equal(pr.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(pr.kind, 'PrometheusRule');
    assert.equal(typeof pr.metadata?.name, 'string');
    assert.equal(typeof pr.metadata?.namespace, 'string');
    assert.deepEqual(Object.keys(pr.spec), ['groups']);
    assert.deepEqual(pr.spec.groups, await plainGroups());
  });

  it('every rule is complete: a unique alert name, an expression, a severity, a summary and description, a valid `for`', async () => {
    const groups = await plainGroups();
    assert.ok(groups.length > 0);
    const names = new Set<string>();
    for (const g of groups) {
      assert.equal(typeof g.name, 'string');
      assert.ok(Array.isArray(g.rules) && g.rules.length > 0, g.name);
    }
    for (const r of rulesOf(groups)) {
      assert.equal(typeof r.alert, 'string', JSON.stringify(r));
      assert.ok(!names.has(r.alert!), `duplicate alert ${r.alert}`);
      names.add(r.alert!);
      assert.ok(typeof r.expr === 'string' && r.expr.trim().length > 0, r.alert);
      assert.ok(metricNames(r.expr).length > 0, `${r.alert}: names no metric`);
      assert.ok(['critical', 'warning', 'info'].includes(r.labels?.severity ?? ''), `${r.alert}: severity`);
      assert.ok(r.annotations?.summary && r.annotations.description, `${r.alert}: summary and description`);
      if (r.for !== undefined) assert.match(r.for, DURATION, `${r.alert}: for`);
      assert.deepEqual(Object.keys(r).filter((k) => !['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(k)), [], r.alert);
    }
    // What DESIGN.md promises (the coordination alert comes with several replicas).
    for (const want of ['WorkspaceReconcilerDriftPersisting', 'WorkspaceReconcilerTerminalFailures', 'WorkspaceReconcilerNoSuccessfulReconcile']) assert.ok(names.has(want), want);
  });

  describe('against a running daemon', () => {
    let sb: Sandbox | undefined;
    let dir: string | undefined;
    let cli: RunningCli | undefined;
    let db: LocalDynamo | undefined;
    afterEach(async () => {
      if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
        cli.child.kill('SIGKILL');
        await cli.done;
      }
      cli = undefined;
      await sb?.close();
      await db?.close();
      db = undefined;
      await removeDir(dir);
    });

    it('every metric the rules name is served by /metrics (a series, with the labels the rules group by)', async () => {
      dir = await tempDir('alerts-test-');
      for (const part of ['connect', 'workspaces']) await cp(join(ROOT, 'examples', part), join(dir, 'desired', part), { recursive: true });
      sb = await startSandbox({ stepDelayMs: 20, quotas: false });
      db = await startLocalDynamo();
      cli = await startCli(['run', join(dir, 'desired'), ...DAEMON_ARGS, '--listen', '127.0.0.1:0', ...FAST], { env: cliEnv(dir, sb, { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint }) });
      const c = cli;
      const listen = () => c.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'daemon starting')?.listen;
      await waitFor('"daemon starting"', () => listen() !== undefined || c.child.exitCode !== null);
      const url = String(listen());
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, c.stderr);
      await waitForAsync('/readyz 200', async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 20_000 });

      // Ready comes before the first pass over a shard taken: wait until that pass has drifted.
      let text = '';
      await waitForAsync('drift series on /metrics', async () => {
        text = await (await fetch(`${url}/metrics`)).text();
        return samples(text, 'workspace_reconciler_drift_since_timestamp_seconds').length > 0;
      }, { timeoutMs: 20_000 });
      const served = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
      const named = new Set(rulesOf(await plainGroups()).flatMap((r) => metricNames(r.expr)));
      assert.ok(named.size >= 4, [...named].join(', '));
      for (const name of named) assert.ok(served.has(name), `${name} is named by a rule and not served by /metrics`);
      // The per-target drift series carry the labels the drift alert's annotations print.
      const drift = samples(text, 'workspace_reconciler_drift_since_timestamp_seconds');
      assert.ok(drift.length > 0);
      for (const s of drift) assert.deepEqual(Object.keys(s.labels).sort(), ['document', 'kind', 'target']);
      for (const s of samples(text, 'workspace_reconciler_last_successful_reconcile_timestamp_seconds')) assert.deepEqual(Object.keys(s.labels), ['controller']);
      // The coordination rules group by the lease name controller-runtime's metric carries.
      assert.deepEqual(samples(text, 'leader_election_master_status').map((s) => s.labels), [{ name: 'workspace-reconciler' }]);
    });
  });
});
