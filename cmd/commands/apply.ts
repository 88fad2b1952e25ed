import { setMaxListeners } from 'node:events';
import { writeJson } from '../output.js';
import { Command } from 'commander';
import { Reconciler } from '../../src/reconciler/reconciler.js';
import { GuardRefusal, runOnce } from '../../src/reconciler/run-once.js';
import { createLogger } from '../../src/log.js';
import { readGitRevision } from '../../src/ops/gitrev.js';
import { acquireLock, LockError, lockKeyForPaths } from '../../src/ops/lock.js';
import type { Lock } from '../../src/ops/lock.js';
import { addAwsOptions, addCommonOptions, durationOption, limitsOf } from '../common.js';
import { durationAtLeast, parsePositiveDuration } from '../options.js';
import type { AwsOptions } from '../common.js';
import { checkTargets, count, loadOrFail } from '../desired.js';
import { CommandError, EXIT_CHANGES_OR_NOT_CONVERGED, EXIT_ERROR, EXIT_OK } from '../errors.js';
import { buildReport, hints, reportText, summaryText } from '../render.js';
import { createRuntime } from '../runtime.js';
import { allowListOf, checkPlanAge, fileChanges, SavedPlanError, savedPlanReport } from '../../src/ops/saved-plan.js';
import type { SavedPlan } from '../../src/ops/saved-plan.js';
import type { LoadResult } from '../../src/config/index.js';
import { VERSION } from '../../src/version.js';
import { readSavedPlan, savedPlanText } from '../saved-plan.js';
import { Progress } from '../progress.js';
import { onInterrupt } from '../signals.js';

interface ApplyOptions extends AwsOptions {
  timeout: number;
  pollInterval: number;
  progress: boolean;
  lockDir?: string;
  plan?: string;
  maxPlanAge: number;
}

export function applyCommand(): Command {
  const cmd = new Command('apply')
    .description('one reconcile pass: make AWS match the desired state, wait until converged or --timeout')
    .argument('[path...]', 'YAML files or directories (none with --plan: the plan names its files)')
    .addOption(durationOption('--timeout <duration>', 'give up waiting after this long (exit 2)', '10m', parsePositiveDuration))
    .addOption(durationOption('--poll-interval <duration>', 'how often to re-check WorkSpaces deployments in flight', '5s', durationAtLeast('10ms')))
    .option('--no-progress', 'no live progress line on a terminal')
    .option('--lock-dir <dir>', 'directory of the overlap lock file (default: the system temp directory)')
    .option('--plan <file>', "apply only the actions of a plan saved with 'plan --out FILE' that are still needed; refuse if its files changed")
    .addOption(durationOption('--max-plan-age <duration>', 'with --plan: refuse a plan older than this', '24h', parsePositiveDuration));
  addAwsOptions(addCommonOptions(cmd, { logLevel: 'warn' })).action(async (paths: string[], o: ApplyOptions) => {
    process.exitCode = await runApply(paths, o);
  });
  return cmd;
}

async function runApply(paths: string[], o: ApplyOptions): Promise<number> {
  const started = Date.now();
  const reviewed = o.plan !== undefined ? await openSavedPlan(o.plan, paths, o) : undefined;
  if (reviewed) paths = reviewed.desiredState.paths;
  else if (paths.length === 0) throw new CommandError("missing required argument 'path' (the desired state's files or directories, or --plan FILE)");
  const planFile = o.plan;
  const { state } = await loadOrFail({
    paths,
    region: reviewed?.options.region ?? o.region,
    // A saved plan's files must be, byte for byte, the bytes loaded now: compared before anything talks to AWS.
    check: reviewed ? (result) => assertSameFiles(reviewed, planFile!, result) : undefined,
    onPathError: reviewed ? (err) => new CommandError(`the desired state is not the one ${planFile} was made from: ${err.message}. Nothing was changed.`) : undefined,
  });
  const targets = checkTargets(state, o.allowEmpty || Boolean(reviewed?.options.allowEmpty));
  const log = createLogger({ level: o.logLevel, format: o.logFormat });
  // Cron safety: two applies of the same desired state never overlap.
  let lock: Lock;
  try {
    // Keyed on where the desired state lives (git work tree + real paths), not on its targets.
    lock = await acquireLock({ key: await lockKeyForPaths(paths), paths, dir: o.lockDir });
  } catch (err) {
    if (err instanceof LockError) throw new CommandError(err.message);
    throw err;
  }
  if (lock.staleFrom) log.warn({ pid: lock.staleFrom.pid }, 'took over a stale apply lock');
  const releaseOnExit = () => lock.releaseSync();
  process.once('exit', releaseOnExit);
  // Interruption (SIGINT/SIGTERM) and the deadline both stop new work; every queued AWS call
  // listens on the pair (to be dropped), calls in flight finish (bounded by --call-timeout).
  const interrupt = new AbortController();
  const deadline = new AbortController();
  const stopWork = AbortSignal.any([interrupt.signal, deadline.signal]);
  setMaxListeners(0, interrupt.signal, deadline.signal, stopWork);
  const stopSignals = onInterrupt(() => {
    process.stderr.write('\ninterrupted: finishing calls in flight, starting no new ones (again to exit now)\n');
    interrupt.abort(new Error('interrupted'));
  });
  // A saved plan's deploys are checked against every pending change on the WorkSpace, so its
  // observation must see applications the documents do not list too.
  const rt = createRuntime({ ...limitsOf(o), signal: stopWork, logger: log, everyApplication: reviewed !== undefined });
  const reconciler = new Reconciler({ providers: rt.providers, pollIntervalMs: o.pollInterval, signal: stopWork, logger: log, maxPrune: o.maxPrune, allow: reviewed ? allowListOf(reviewed) : undefined });
  const progress = new Progress(o.progress && o.output === 'text' && Boolean(process.stderr.isTTY));
  const revision = (await readGitRevision(paths[0]).catch(() => undefined))?.commit;
  try {
    let result;
    try {
      result = await runOnce({
        reconciler,
        targets,
        resolve: () => rt.resolve(state, stopWork),
        maxPrune: o.maxPrune,
        timeoutMs: o.timeout,
        signal: interrupt.signal,
        deadline,
        onPlanned: (guard, errors) => {
          if (o.output === 'text') {
            const pending = errors.length ? ` (${count(errors.length, 'target')} could not be observed yet: tried again during the run)` : '';
            if (reviewed) process.stderr.write(`Applying the saved plan ${planFile} (made ${reviewed.createdAt}); of its actions, still needed: ${summaryText(guard.summary)}${pending}.\n`);
            else process.stderr.write(`Plan: ${summaryText(guard.summary)}${pending}.\n`);
          }
          log.info({ targets: guard.targets.length, revision, ...guard.summary }, 'apply started');
          progress.start(() => progressLine(reconciler, rt.stats));
        },
      });
    } catch (err) {
      if (err instanceof GuardRefusal) throw new CommandError(err.message + hints(err.codes).map((h) => `\n${h}`).join(''));
      throw err;
    }
    progress.stop();
    if (result.abandoned) log.warn({}, 'calls still in flight after the shutdown grace: their outcome is unknown; the next apply observes it');
    const report = buildReport(reconciler.targetStates(), {
      resolution: result.resolution,
      interrupted: result.interrupted,
      timedOut: result.timedOut,
      durationMs: Date.now() - started,
      calls: { ...rt.stats },
      revision,
    });
    const savedReport = reviewed ? savedPlanReport(reviewed, planFile!, reconciler.targetStates()) : undefined;
    if (o.output === 'json') writeJson(savedReport ? { ...report, savedPlan: savedReport } : report);
    else process.stdout.write(reportText(report) + (savedReport ? savedPlanText(savedReport) : ''));
    log.info({ converged: report.converged, revision, ...report.summary, calls: report.calls.total, ...(savedReport ? { savedPlan: savedReport.counts } : {}) }, 'apply finished');
    // A reviewed action that can no longer be made is not a success, even if nothing else is left.
    if (report.converged && !(savedReport && savedReport.counts.impossible > 0)) return EXIT_OK;
    // 1: not everything was attempted (interrupted, or targets AWS never answered about);
    // 2: everything was attempted but did not converge (terminal failures, held removals, timeout).
    return result.interrupted || report.notObserved > 0 ? EXIT_ERROR : EXIT_CHANGES_OR_NOT_CONVERGED;
  } finally {
    progress.stop();
    stopSignals();
    rt.close();
    await lock.release();
    process.off('exit', releaseOnExit);
    // A socket AWS never answered must not keep a cron job alive once its report is out.
    setTimeout(() => process.exit(), 2000).unref();
  }
}

/** A saved plan that may be applied: one this tool reads, young enough, for the same region; no paths beside it. */
async function openSavedPlan(file: string, paths: string[], o: ApplyOptions): Promise<SavedPlan> {
  if (paths.length > 0) throw new CommandError(`apply --plan takes no paths: the plan names the files it was made from (${paths.join(' ')} given)`);
  const saved = await readSavedPlan(file);
  try {
    checkPlanAge(saved, Date.now(), o.maxPlanAge, file);
  } catch (err) {
    if (err instanceof SavedPlanError) throw new CommandError(err.message);
    throw err;
  }
  if (o.region !== undefined && saved.options.region !== undefined && o.region !== saved.options.region) {
    throw new CommandError(`--region ${o.region} differs from the region the plan was made with (${saved.options.region}). Nothing was changed.`);
  }
  if (saved.tool.version !== VERSION) {
    // The format version is what must match; a different tool version only plans differently.
    process.stderr.write(`warning: ${file} was made by workspace-reconciler ${saved.tool.version}; this is ${VERSION}\n`);
  }
  return saved;
}

function assertSameFiles(saved: SavedPlan, file: string, result: LoadResult): void {
  const changes = fileChanges(saved.desiredState.files, (result.digests ?? []).map((d) => ({ path: d.file, sha256: d.sha256 })));
  if (changes.length > 0) throw new CommandError(`the desired state is not the one ${file} was made from:\n  ${changes.join('\n  ')}\nMake and review a new plan. Nothing was changed.`);
}

function progressLine(r: Reconciler, calls: { total: number; throttled: number }): string {
  let total = 0, settled = 0, waiting = 0, retrying = 0, failed = 0;
  for (const st of r.targetStates()) {
    total++;
    if (st.status === 'converged') settled++;
    else if (st.status === 'failed') { settled++; failed++; }
    else if (st.status === 'waiting') waiting++;
    else if (st.status === 'retrying') retrying++;
  }
  return `apply: ${settled}/${total} targets done · ${total - settled} remaining (${waiting} waiting on deployments, ${retrying} retrying) · ${failed} failed · ${count(calls.total, 'AWS call')} (${calls.throttled} throttled)`;
}
