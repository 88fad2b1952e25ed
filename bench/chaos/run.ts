/**
 * One chaos run: a random world, desired state and faults from one seed (world.ts, faults.ts),
 * the sandbox in this process, the built CLI's `apply --output json` against it, and the
 * invariants checked from the sandbox's call log, its final state and the JSON report:
 *
 *   (i)   removals: every DisassociateWorkspace / DisassociateWorkspaceApplication that AWS
 *         answered 200 removed only items of a prune: true target that the target does not
 *         list ("unintended removals", must be 0); and nothing is changed on a workspace or
 *         WorkSpace that is not a target ("untouched").
 *   (ii)  outcome: each target's final sandbox state matches its desired state (Connect: every
 *         desired ARN associated, and with prune nothing else; WorkSpaces: every desired
 *         application COMPLETED, and with prune every other one REMOVED), or the report says it
 *         is not converged and names, among its failures, each item that is not as desired (or
 *         the target / WorkSpace itself). A target the report calls converged must match. A
 *         target still retrying or waiting is allowed only when the report says it timed out
 *         (counted apart: "timed out"), and a WorkSpace deployed more than MAX_DEPLOYS times is
 *         a retry loop, not a timeout: a violation.
 *   (iii) exit code: 0 iff the report says converged; otherwise 1 when the run was interrupted
 *         or some target was never answered about (nothing attempted for it: no mutating call
 *         on it, checked), else 2 (terminal failures, or the timeout). A run refused before
 *         any change (`{"error": …}`, e.g. a prune target that could not be observed for the
 *         --max-prune guard) must exit 1 and have made no successful mutating call.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectKey, workspaceKey } from '../../src/config/types.js';
import { seededRandom, startSandbox, type CallRecord, type Sandbox } from '../../src/sandbox/index.js';
import { generateFaults, hash } from './faults.js';
import { Rng } from './rng.js';
import { generateDesired, generateWorld, REGION, type DesiredTarget } from './world.js';

export const ROOT = join(import.meta.dirname, '..', '..', ...(import.meta.dirname.includes(`${join('dist', 'bench')}`) ? ['..'] : []));
export const BIN = join(ROOT, 'dist', 'cmd', 'workspace-reconciler.js');

export interface ChaosOptions {
  /** apply --timeout, ms. Default 15000: three throttles in a row cost 1 + 2 + 4 s of cooldown, and a FailedList 429 backs its key off as long. */
  timeoutMs?: number;
  /** The built CLI. Default dist/cmd/workspace-reconciler.js. */
  bin?: string;
  /** Keep the temp dir (desired state, stderr) for a look afterwards. Default false. */
  keep?: boolean;
}

export type TargetOutcome = 'converged' | 'terminal' | 'timed-out' | 'refused' | 'violation';

export interface ChaosResult {
  seed: number;
  exitCode: number | null;
  expectedExit: number | undefined;
  refused: boolean;
  /** report.converged (false when refused). */
  converged: boolean;
  targets: number;
  outcomes: Record<TargetOutcome, number>;
  unintendedRemovals: number;
  exitMismatch: boolean;
  violations: string[];
  /**
   * Not an invariant (reported, never fails a run): removals made on a prune target after one of
   * its associations failed terminally. DESIGN.md: "A pass whose associations on a target failed
   * makes none of that target's removals … the held removals are reported."
   */
  removalsNotHeld: number;
  /** The report's failures, counted by "operation code" (terminal ones only). */
  terminalCodes: Record<string, number>;
  faultKinds: string[];
  calls: number;
  durationMs: number;
  /** The temp dir when kept. */
  dir?: string;
  stderr: string;
}

interface ReportTarget {
  key: string;
  status: string;
  observed: boolean;
}
interface ReportFailure {
  target: string;
  item: string;
  operation: string;
  code: string;
  terminal: boolean;
}
interface Report {
  converged: boolean;
  interrupted: boolean;
  timedOut: boolean;
  notObserved: number;
  targets: ReportTarget[];
  failures: ReportFailure[];
}

const MUTATING = /^(Associate|Disassociate|Deploy)/;
/** More successful deployments of one WorkSpace than this in one run is a retry loop. */
const MAX_DEPLOYS = 15;

export async function runChaos(seed: number, o: ChaosOptions = {}): Promise<ChaosResult> {
  const started = Date.now();
  const rng = new Rng(seed);
  const world = generateWorld(rng);
  const desired = generateDesired(rng, world);
  const { faults, kinds } = generateFaults(seed, world, desired);
  const quotaScale = rng.int(5, 25);
  const stepDelayMs = rng.int(10, 40);
  // Connect's account-wide quota across all operations, in some runs (its own PRNG: old seeds keep their worlds).
  const accountRng = new Rng(hash(`${seed}/account-quota`));
  const accountQuota = accountRng.chance(0.3) ? { rate: accountRng.int(2, 4), burst: accountRng.int(4, 8) } : undefined;
  const quotas = { scale: quotaScale, ...(accountQuota ? { connect: { rate: 2, burst: 5, account: accountQuota } } : {}) };
  if (accountQuota) kinds.push('account-quota');

  const dir = await mkdtemp(join(tmpdir(), `chaos-${seed}-`));
  const desiredDir = join(dir, 'desired');
  for (const [name, text] of Object.entries(desired.files)) {
    await mkdir(dirname(join(desiredDir, name)), { recursive: true });
    await writeFile(join(desiredDir, name), text);
  }
  await writeFile(join(dir, 'faults.json'), JSON.stringify({ seed, kinds, faults, quotas, stepDelayMs }, null, 2));
  await writeFile(join(dir, 'seed.json'), JSON.stringify(world.seed, null, 2));

  let sb: Sandbox | undefined;
  try {
    sb = await startSandbox({ seed: world.seed, faults, random: seededRandom(hash(`${seed}/sandbox`)), quotas, stepDelayMs });
    const timeoutMs = o.timeoutMs ?? 15_000;
    const r = await runApply(o.bin ?? BIN, desiredDir, dir, sb, timeoutMs);
    await writeFile(join(dir, 'stdout.json'), r.stdout);
    await writeFile(join(dir, 'stderr.log'), r.stderr);
    const result = check(seed, desired.targets, sb, r);
    return { ...result, faultKinds: kinds, calls: sb.calls.length, durationMs: Date.now() - started, stderr: r.stderr, ...(o.keep ? { dir } : {}) };
  } finally {
    await sb?.close();
    if (!o.keep) await rm(dir, { recursive: true, force: true });
  }
}

interface ApplyRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runApply(bin: string, desiredDir: string, dir: string, sb: Sandbox, timeoutMs: number): Promise<ApplyRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    HOME: dir,
    TMPDIR: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...sb.env,
  });
  const args = [
    bin, 'apply', desiredDir, '--output', 'json', '--timeout', `${timeoutMs}ms`, '--poll-interval', '50ms', '--log-level', 'warn', '--call-timeout', '300ms',
    '--connect-rate', '50', '--connect-burst', '50', '--workspaces-rate', '50', '--workspaces-burst', '50',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // The contract bounds apply to --timeout + 15 s; past that it is a violation, and killed.
    const kill = setTimeout(() => {
      stderr += `\n[chaos] apply still running ${timeoutMs + 15_000} ms after start: killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs + 15_000);
    child.once('error', (e) => {
      clearTimeout(kill);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

function targetOfCall(c: CallRecord): string | undefined {
  const i = c.input;
  if (c.service === 'connect' && typeof i.InstanceId === 'string' && typeof i.WorkspaceId === 'string') return connectKey('default', c.region || REGION, i.InstanceId, i.WorkspaceId);
  if (c.service === 'workspaces' && typeof i.WorkspaceId === 'string') return workspaceKey('default', c.region || REGION, i.WorkspaceId);
  return undefined;
}

function check(seed: number, targets: DesiredTarget[], sb: Sandbox, run: ApplyRun): Omit<ChaosResult, 'faultKinds' | 'calls' | 'durationMs' | 'stderr' | 'dir'> {
  const violations: string[] = [];
  const byKey = new Map(targets.map((t) => [t.key, t]));
  const outcomes: Record<TargetOutcome, number> = { converged: 0, terminal: 0, 'timed-out': 0, refused: 0, violation: 0 };

  // (i) removals, and nothing changed outside the targets. Only answered calls (200) carry
  // their whole input and took effect; a Connect 200 may have failed some ARNs (FailedList),
  // counted all the same: sending a desired ARN to DisassociateWorkspace is the bug.
  let unintendedRemovals = 0;
  const mutatedOk = new Map<string, number>();
  for (const c of sb.calls) {
    if (!MUTATING.test(c.operation) || c.status !== 200) continue;
    const key = targetOfCall(c);
    const t = key === undefined ? undefined : byKey.get(key);
    if (key !== undefined) mutatedOk.set(key, (mutatedOk.get(key) ?? 0) + 1);
    if (t === undefined) violations.push(`(i) ${c.operation} on ${key ?? '?'}, which is not a target`);
    const removed = c.operation === 'DisassociateWorkspace' ? ((c.input.ResourceArns as string[] | undefined) ?? []) : c.operation === 'DisassociateWorkspaceApplication' ? [String(c.input.ApplicationId)] : [];
    for (const item of removed) {
      if (t !== undefined && t.prune && !t.desired.has(item)) continue;
      unintendedRemovals++;
      violations.push(`(i) ${c.operation} removed ${item} from ${key}: ${t === undefined ? 'not a target' : t.prune ? 'a desired item' : 'a target without prune'}`);
    }
  }

  // The report.
  let report: Report | undefined;
  let refused = false;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    violations.push(`stdout is not one JSON document (exit ${run.code}): ${run.stdout.slice(0, 200)}${lastLines(run.stderr)}`);
  }
  if (parsed && 'converged' in parsed) report = parsed as unknown as Report;
  else if (parsed && 'error' in parsed) refused = true;
  else if (parsed) violations.push(`stdout JSON is neither a report nor an error: ${run.stdout.slice(0, 200)}`);

  // (ii) a loop is not an outcome: a correct reconciler deploys a WorkSpace once, plus once per
  // injected deployment failure (at most 2 entries × 2 times) and once more after an uninstall it
  // waited for; far more means a pair is retried forever instead of reported.
  const deploys = new Map<string, number>();
  for (const c of sb.calls) {
    if (c.operation !== 'DeployWorkspaceApplications' || c.status !== 200) continue;
    const key = targetOfCall(c);
    if (key !== undefined) deploys.set(key, (deploys.get(key) ?? 0) + 1);
  }
  for (const [key, n] of deploys) {
    if (n <= MAX_DEPLOYS) continue;
    const t = byKey.get(key);
    const off = t ? offItems(t, sb) : [];
    violations.push(`(ii) ${key} deployed ${n} times (a loop, more than ${MAX_DEPLOYS}); not as desired: ${off.slice(0, 3).join('; ') || 'nothing'}`);
  }

  const terminalCodes: Record<string, number> = {};
  for (const f of report?.failures ?? []) if (f.terminal) terminalCodes[`${f.operation} ${f.code}`] = (terminalCodes[`${f.operation} ${f.code}`] ?? 0) + 1;

  // Removals after a failed association on the same prune target (DESIGN's make-before-break hold).
  let removalsNotHeld = 0;
  for (const t of targets) {
    if (!t.prune || !report) continue;
    const failedAssoc = report.failures.some((f) => f.target === t.key && f.terminal && f.operation.startsWith('Associate'));
    if (!failedAssoc) continue;
    const first = sb.calls.findIndex((c) => c.operation.startsWith('Associate') && targetOfCall(c) === t.key);
    if (first < 0) continue;
    for (const c of sb.calls.slice(first)) {
      if (c.status !== 200 || !c.operation.startsWith('Disassociate') || targetOfCall(c) !== t.key) continue;
      removalsNotHeld += c.operation === 'DisassociateWorkspace' ? ((c.input.ResourceArns as string[] | undefined) ?? []).length : 1;
    }
  }
  if (removalsNotHeld > 0) violations.push(`(i) ${removalsNotHeld} removals made after an association of the same prune target failed terminally (make before break)`);

  let expectedExit: number | undefined;
  if (refused) {
    // (iii) a refusal: exit 1, nothing changed.
    expectedExit = 1;
    outcomes.refused = targets.length;
    if (mutatedOk.size > 0) violations.push(`(iii) refused (${JSON.stringify(parsed?.error).slice(0, 160)}) after ${[...mutatedOk.values()].reduce((a, b) => a + b, 0)} successful mutating calls`);
  } else if (report) {
    const reported = new Map(report.targets.map((t) => [t.key, t]));
    const failuresOf = (key: string) => report!.failures.filter((f) => f.target === key);
    for (const t of targets) {
      const rt = reported.get(t.key);
      if (!rt) {
        violations.push(`(ii) ${t.key} is missing from the report`);
        outcomes.violation++;
        continue;
      }
      const off = offItems(t, sb);
      const failed = new Set(failuresOf(t.key).map((f) => f.item));
      if (off.length === 0) {
        outcomes[rt.status === 'converged' ? 'converged' : rt.status === 'failed' ? 'terminal' : report.timedOut ? 'timed-out' : 'violation']++;
        if (rt.status !== 'converged' && rt.status !== 'failed' && !report.timedOut) violations.push(`(ii) ${t.key} is ${rt.status} in a report that did not time out`);
        continue;
      }
      if (rt.status === 'converged') {
        violations.push(`(ii) ${t.key} reported converged, but ${off.slice(0, 3).join('; ')}`);
        outcomes.violation++;
      } else if (rt.status === 'failed') {
        // Removals held by the reconciler (RemovalsHeld: over --max-prune, after a failed
        // association, prune of an empty set) explain every item left "associated, not desired".
        const held = failuresOf(t.key).some((f) => f.code === 'RemovalsHeld');
        const unexplained = off.filter((x) => !failed.has(x.split(' ')[0]) && !failed.has(t.workspaceId) && !failed.has(t.key) && !(held && x.endsWith('not desired')));
        if (unexplained.length > 0) {
          violations.push(`(ii) ${t.key} failed, but the report names no failure for: ${unexplained.slice(0, 3).join('; ')}`);
          outcomes.violation++;
        } else outcomes.terminal++;
      } else if (report.timedOut) {
        outcomes['timed-out']++;
      } else {
        violations.push(`(ii) ${t.key} is ${rt.status} in a report that did not time out: ${off.slice(0, 3).join('; ')}`);
        outcomes.violation++;
      }
    }
    // (iii) the exit code. A target is "not attempted" when AWS never answered about it: not
    // observed and without a terminal failure of the target itself (e.g. a WorkSpace that does
    // not exist is answered: a terminal failure of that target, exit 2 per DESIGN).
    const notAttempted = report.targets.filter((t) => !t.observed && !failuresOf(t.key).some((f) => f.terminal && (f.item === t.key || f.operation === 'observe')));
    expectedExit = report.converged ? 0 : report.interrupted || notAttempted.length > 0 ? 1 : 2;
    for (const t of report.targets) {
      if (!t.observed && (mutatedOk.get(t.key) ?? 0) > 0) violations.push(`(iii) ${t.key} reported not observed, but ${mutatedOk.get(t.key)} mutating calls on it succeeded`);
    }
    const allMatch = targets.every((t) => offItems(t, sb).length === 0);
    if (report.converged && !allMatch) violations.push('(ii) the report says converged but the sandbox does not match the desired state');
  }
  const exitMismatch = expectedExit !== undefined && run.code !== expectedExit;
  if (exitMismatch) {
    const why = report ? ` (converged ${report.converged}, timedOut ${report.timedOut}, notObserved ${report.notObserved}, failures ${report.failures.length})` : '';
    violations.push(`(iii) exit ${run.code}, expected ${expectedExit}${why}`);
  }
  if (expectedExit === undefined && run.code !== 1) violations.push(`(iii) exit ${run.code} without a report`);
  return {
    seed,
    exitCode: run.code,
    expectedExit,
    refused,
    converged: report?.converged ?? false,
    targets: targets.length,
    outcomes,
    unintendedRemovals,
    exitMismatch,
    violations,
    removalsNotHeld,
    terminalCodes,
  };
}

/** What is not as desired on a target, each "ITEM reason" (the first word is the item). */
function offItems(t: DesiredTarget, sb: Sandbox): string[] {
  if (!t.exists) return [...t.desired].map((d) => `${d} (its ${t.type === 'connect' ? 'workspace' : 'WorkSpace'} does not exist)`);
  const off: string[] = [];
  if (t.type === 'connect') {
    const have = new Set(sb.connectAssociations(REGION, t.instanceId!, t.workspaceId));
    for (const d of t.desired) if (!have.has(d)) off.push(`${d} not associated`);
    if (t.prune) for (const h of have) if (!t.desired.has(h)) off.push(`${h} associated, not desired`);
  } else {
    const apps = new Map(sb.workspaceAssociations(REGION, t.workspaceId).map((a) => [a.applicationId, a]));
    for (const d of t.desired) {
      const a = apps.get(d);
      if (a?.state !== 'COMPLETED') off.push(`${d} ${a ? a.state + (a.reasonCode ? ` ${a.reasonCode}` : '') : 'absent'}`);
    }
    if (t.prune) for (const a of apps.values()) if (!t.desired.has(a.applicationId) && a.state !== 'REMOVED') off.push(`${a.applicationId} ${a.state}, not desired`);
  }
  return off;
}

function lastLines(text: string, n = 5): string {
  const lines = text.trim().split('\n').slice(-n);
  return lines.length && lines[0] ? `\n  stderr: ${lines.join('\n  ')}` : '';
}

/** One line per run, for the console. */
export function runLine(r: ChaosResult): string {
  const o = r.outcomes;
  const verdict = r.violations.length ? `VIOLATIONS ${r.violations.length}` : 'ok';
  const what = r.refused ? 'refused' : `${o.converged} converged, ${o.terminal} terminal, ${o['timed-out']} timed out`;
  return `seed ${r.seed}: ${verdict} · exit ${r.exitCode} · ${r.targets} targets: ${what} · ${r.calls} calls · ${(r.durationMs / 1000).toFixed(1)}s · faults [${r.faultKinds.join(' ')}]`;
}
