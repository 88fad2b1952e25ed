import { writeJson } from '../output.js';
import { Command } from 'commander';
import type { Target } from '../../src/config/types.js';
import { plan } from '../../src/reconciler/plan.js';
import { Observer } from '../../src/reconciler/observer.js';
import type { Observed, ObservedState } from '../../src/reconciler/types.js';
import { createLogger } from '../../src/log.js';
import { addAwsOptions, addCommonOptions, limitsOf } from '../common.js';
import type { AwsOptions } from '../common.js';
import { checkTargets, loadOrFail } from '../desired.js';
import { EXIT_CHANGES_OR_NOT_CONVERGED, EXIT_ERROR, EXIT_OK } from '../errors.js';
import type { PlanOutputFormat } from '../options.js';
import { planJson, planText, resolutionFailures } from '../render.js';
import { planMarkdown } from '../render-markdown.js';
import { createRuntime } from '../runtime.js';
import { readGitRevision } from '../../src/ops/gitrev.js';
import { buildSavedPlan, digestsOf, writeSavedPlan } from '../saved-plan.js';
import type { Runtime } from '../runtime.js';

interface PlanOptions extends Omit<AwsOptions, 'output'> {
  output: PlanOutputFormat;
  detailedExitcode: boolean;
  out?: string;
}

export function observerFor(rt: Runtime): Observer {
  return new Observer((t) => (t.type === 'connect' ? rt.providers.connect : rt.providers.workspaces));
}

export function planCommand(): Command {
  const cmd = new Command('plan')
    .description('observe AWS and print the changes apply would make (read-only: no mutating call)')
    .argument('<path...>', 'YAML files or directories')
    .option('--detailed-exitcode', 'exit 2 when there are changes (0 none, 1 error)', false)
    .option('--out <file>', "also save the plan (JSON) for 'apply --plan FILE', which applies only what it holds");
  addAwsOptions(addCommonOptions(cmd, { logLevel: 'warn', markdown: true })).action(async (paths: string[], o: PlanOptions) => {
    const { state, result, defaultRegion } = await loadOrFail({ paths, region: o.region });
    const targets = checkTargets(state, o.allowEmpty);
    const log = createLogger({ level: o.logLevel, format: o.logFormat });
    const rt = createRuntime({
      ...limitsOf(o),
      // plan is read-only: the rate limiter refuses a mutating call should one ever be attempted.
      observeOnly: true,
      onCall: (e) => log.debug({ account: e.account, service: e.service, operation: e.operation, outcome: e.outcome, code: e.errorCode, requestId: e.requestId, attempts: e.attempts, durationMs: e.durationMs }, 'AWS call'),
    });
    try {
      const resolution = await rt.resolve(state);
      const resolved = state.needsResolution ? resolution.targets : targets;
      const observer = observerFor(rt);
      observer.setTargets(resolved);
      const { observed, errors } = await observer.observeAll(resolved, 0);
      // Names AWS returned with the observation label what resolution did not (ids written by hand).
      const ok = resolved.filter((t) => observed.has(t.key)).map((t) => withObservedNames(t, observed.get(t.key)));
      const p = plan(ok, observed);
      const unresolved = resolutionFailures(resolution);
      if (o.output === 'json') writeJson(planJson(p, errors, o.maxPrune, unresolved));
      else if (o.output === 'markdown') process.stdout.write(planMarkdown(p, errors, o.maxPrune, unresolved));
      else process.stdout.write(planText(p, errors, o.maxPrune, unresolved));
      const changes = p.summary.associate + p.summary.disassociate + p.summary.deploy > 0;
      // A name that resolves to nothing is an error in the desired state, like one that cannot be observed.
      const unresolvedItems = ok.some((t) => (t.unresolved?.length ?? 0) > 0);
      if (o.out !== undefined) {
        // A reviewed plan must be the whole plan: none is saved when part of the state is unknown.
        if (errors.length > 0 || unresolved.length > 0 || unresolvedItems) {
          process.stderr.write(`error: the plan is incomplete (targets that could not be observed or names that did not resolve): not saved to ${o.out}\n`);
        } else {
          const revision = await readGitRevision(paths[0]!).catch(() => undefined);
          const saved = buildSavedPlan({
            plan: p,
            observed,
            paths,
            files: digestsOf(result, state),
            revision,
            options: { region: defaultRegion, maxPrune: o.maxPrune, allowEmpty: o.allowEmpty },
            now: new Date(),
          });
          await writeSavedPlan(o.out, saved);
          process.stderr.write(`Saved the plan to ${o.out}: 'apply --plan ${o.out}' makes only its actions (refused once the files change or after --max-plan-age).\n`);
          log.info({ file: o.out, digest: saved.desiredState.digest, revision: revision?.commit }, 'plan saved');
        }
      }
      process.exitCode = errors.length > 0 || unresolved.length > 0 || unresolvedItems ? EXIT_ERROR : changes && o.detailedExitcode ? EXIT_CHANGES_OR_NOT_CONVERGED : EXIT_OK;
    } finally {
      rt.close();
    }
  });
  return cmd;
}

/** The target with labels for items the observation named (removals, and ids written by hand). */
function withObservedNames(t: Target, o: Observed | undefined): Target {
  if (o?.type !== 'connect' || !o.names || t.type !== 'connect') return t;
  const labels = new Map(o.names);
  for (const [item, label] of t.labels ?? []) labels.set(item, label);
  return { ...t, labels };
}
