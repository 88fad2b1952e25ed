import { setMaxListeners } from 'node:events';
import { writeJson } from '../output.js';
import { Command } from 'commander';
import { plan } from '../../src/reconciler/plan.js';
import { Reconciler } from '../../src/reconciler/reconciler.js';
import { createLogger } from '../../src/log.js';
import { readGitRevision } from '../../src/ops/gitrev.js';
import { acquireLock, LockError, lockKeyFor } from '../../src/ops/lock.js';
import type { Lock } from '../../src/ops/lock.js';
import { addAwsOptions, addCommonOptions, durationOption, limitsOf } from '../common.js';
import { durationAtLeast, parsePositiveDuration } from '../options.js';
import type { AwsOptions } from '../common.js';
import { checkTargets, count, loadOrFail } from '../desired.js';
import { CommandError, EXIT_CHANGES_OR_NOT_CONVERGED, EXIT_ERROR, EXIT_OK } from '../errors.js';
import { buildReport, hints, reportText, summaryText } from '../render.js';
import { createRuntime } from '../runtime.js';
import { Progress } from '../progress.js';
import { onInterrupt } from '../signals.js';

interface ApplyOptions extends AwsOptions {
  timeout: number;
  pollInterval: number;
  progress: boolean;
}

export function applyCommand(): Command {
  const cmd = new Command('apply')
    .description('one reconcile pass: make AWS match the desired state, wait until converged or --timeout')
    .argument('<path...>', 'YAML files or directories')
    .addOption(durationOption('--timeout <duration>', 'give up waiting after this long (exit 2)', '10m', parsePositiveDuration))
    .addOption(durationOption('--poll-interval <duration>', 'how often to re-check WorkSpaces deployments in flight', '5s', durationAtLeast('10ms')))
    .option('--no-progress', 'no live progress line on a terminal');
  addAwsOptions(addCommonOptions(cmd, { logLevel: 'warn' })).action(async (paths: string[], o: ApplyOptions) => {
    process.exitCode = await runApply(paths, o);
  });
  return cmd;
}

async function runApply(paths: string[], o: ApplyOptions): Promise<number> {
  const started = Date.now();
  const { state } = await loadOrFail({ paths, region: o.region });
  const targets = checkTargets(state, o.allowEmpty);
  const log = createLogger({ level: o.logLevel, format: o.logFormat });
  // Cron safety: two applies of the same desired state never overlap.
  let lock: Lock;
  try {
    // Keyed on the targets, not on how the paths are spelt: `examples/` and `examples/connect
    // examples/workspaces` are the same desired state.
    lock = await acquireLock({ key: lockKeyFor(targets.map((t) => t.key)), paths });
  } catch (err) {
    if (err instanceof LockError) throw new CommandError(err.message);
    throw err;
  }
  if (lock.staleFrom) log.warn({ pid: lock.staleFrom.pid }, 'took over a stale apply lock');
  const releaseOnExit = () => lock.releaseSync();
  process.once('exit', releaseOnExit);
  const abort = new AbortController();
  // Every queued AWS call listens on this one signal (to be dropped if we are interrupted).
  setMaxListeners(0, abort.signal);
  let interrupted = false;
  const stopSignals = onInterrupt(() => {
    interrupted = true;
    process.stderr.write('\ninterrupted: finishing calls in flight, starting no new ones (again to exit now)\n');
    abort.abort(new Error('interrupted'));
  });
  const rt = createRuntime({ ...limitsOf(o), signal: abort.signal });
  const reconciler = new Reconciler({ providers: rt.providers, pollIntervalMs: o.pollInterval, signal: abort.signal, logger: log });
  const progress = new Progress(o.progress && o.output === 'text' && Boolean(process.stderr.isTTY));
  try {
    // Guard before any mutating call: observe (the reconciler reuses these scans) and count removals.
    reconciler.observer.setTargets(targets);
    const { observed, errors } = await reconciler.observer.observeAll(targets, 0);
    // A prune target the guard could not observe would be observed again, and pruned, by the
    // reconciler without ever being counted against --max-prune: refuse instead.
    // Nothing can be attempted (no credentials, AWS unreachable, access denied): say so now,
    // instead of retrying each target until --timeout.
    if (errors.length > 0 && errors.length === targets.length && errors.every((e) => e.error.kind !== 'throttled')) {
      const first = errors[0];
      throw new CommandError(
        `cannot observe any of the ${count(targets.length, 'target')} (first: ${first.target.key}: ${first.error.operation}: ${first.error.code}: ${first.error.awsMessage}). Nothing was changed.` +
          hints(errors.map((e) => e.error.code)).map((h) => `\n${h}`).join(''),
      );
    }
    const unchecked = errors.filter((e) => e.target.prune);
    if (unchecked.length > 0) {
      const first = unchecked[0];
      throw new CommandError(
        `refusing to apply: cannot check --max-prune, ${count(unchecked.length, 'target')} with prune: true could not be observed ` +
          `(first: ${first.target.key}: ${first.error.operation}: ${first.error.code}: ${first.error.awsMessage}). Nothing was changed.` +
          hints(unchecked.map((e) => e.error.code)).map((h) => `\n${h}`).join(''),
      );
    }
    const guard = plan(targets.filter((t) => observed.has(t.key)), observed);
    if (guard.summary.disassociate > o.maxPrune) {
      throw new CommandError(
        `refusing to apply: the plan removes ${guard.summary.disassociate} associations, more than --max-prune ${o.maxPrune}; ` +
          `check the desired state with 'plan', then raise --max-prune if the removals are intended. Nothing was changed.`,
      );
    }
    if (o.output === 'text') {
      const pending = errors.length ? ` (${count(errors.length, 'target')} could not be observed yet: tried again during the run)` : '';
      process.stderr.write(`Plan: ${summaryText(guard.summary)}${pending}.\n`);
    }
    const revision = (await readGitRevision(paths[0]).catch(() => undefined))?.commit;
    log.info({ targets: targets.length, revision, ...guard.summary }, 'apply started');

    reconciler.setTargets(targets);
    reconciler.start();
    progress.start(() => progressLine(reconciler, rt.stats));
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      reconciler.whenSettled(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          abort.abort(new Error('timeout'));
          resolve();
        }, o.timeout);
      }),
      new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true })),
    ]);
    clearTimeout(timer);
    await reconciler.stop();
    progress.stop();
    const report = buildReport(reconciler.targetStates(), {
      interrupted,
      timedOut,
      durationMs: Date.now() - started,
      calls: { ...rt.stats },
      revision,
    });
    if (o.output === 'json') writeJson(report);
    else process.stdout.write(reportText(report));
    log.info({ converged: report.converged, revision, ...report.summary, calls: report.calls.total }, 'apply finished');
    if (report.converged) return EXIT_OK;
    // 1: not everything was attempted (interrupted, or targets AWS never answered about);
    // 2: everything was attempted but did not converge (terminal failures, timeout).
    return interrupted || report.notObserved > 0 ? EXIT_ERROR : EXIT_CHANGES_OR_NOT_CONVERGED;
  } finally {
    progress.stop();
    stopSignals();
    rt.close();
    await lock.release();
    process.off('exit', releaseOnExit);
  }
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
