/** Saved plans on the command line: `plan --out FILE` writes one, `apply --plan FILE` reports on one. */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { DesiredState, LoadResult } from '../src/config/index.js';
import type { GitRevision } from '../src/ops/gitrev.js';
import { desiredDigest, parseSavedPlan, PLAN_FORMAT, PLAN_FORMAT_VERSION, SavedPlanError } from '../src/ops/saved-plan.js';
import type { ActionOutcome, FileDigest, SavedPlan, SavedPlanReport } from '../src/ops/saved-plan.js';
import type { Observed, ObservedState, Plan } from '../src/reconciler/types.js';
import { VERSION } from '../src/version.js';
import { CommandError } from './errors.js';
import { planJson } from './render.js';

/** The digests of what was loaded, in load order, for exactly the desired state's files. */
export function digestsOf(result: LoadResult, state: DesiredState): FileDigest[] {
  const byFile = new Map((result.digests ?? []).map((d) => [d.file, d.sha256]));
  return state.files.map((path) => {
    const sha256 = byFile.get(path);
    if (sha256 === undefined) throw new CommandError(`cannot save the plan: ${path} was not read from disk`);
    return { path, sha256 };
  });
}

export interface SavedPlanInput {
  plan: Plan;
  observed: ObservedState;
  paths: string[];
  files: FileDigest[];
  revision?: GitRevision;
  options: { region?: string; maxPrune: number; allowEmpty: boolean };
  now: Date;
}

export function buildSavedPlan(i: SavedPlanInput): SavedPlan {
  const json = planJson(i.plan, [], i.options.maxPrune) as { summary: Record<string, number>; targets: Record<string, unknown>[] };
  return {
    format: PLAN_FORMAT,
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'workspace-reconciler', version: VERSION },
    createdAt: i.now.toISOString(),
    desiredState: {
      paths: i.paths,
      files: i.files,
      digest: desiredDigest(i.files),
      ...(i.revision ? { revision: { commit: i.revision.commit, ...(i.revision.ref ? { ref: i.revision.ref } : {}) } } : {}),
    },
    options: { ...(i.options.region !== undefined ? { region: i.options.region } : {}), maxPrune: i.options.maxPrune, allowEmpty: i.options.allowEmpty },
    summary: json.summary,
    targets: i.plan.targets.map((tp, n) => ({
      ...(json.targets[n] as SavedPlan['targets'][number]),
      ...(tp.type === 'workspaces' ? { deployFor: tp.deployFor } : {}),
      observed: observedJson(i.observed.get(tp.target.key)),
    })),
  };
}

function observedJson(o: Observed | undefined): unknown {
  if (!o) return null;
  if (o.type === 'connect') return { associated: [...o.associated].sort().map((arn) => ({ arn, ...(o.names?.get(arn) !== undefined ? { name: o.names.get(arn) } : {}) })) };
  return {
    applications: [...o.applications.values()]
      .sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1))
      .map((a) => ({ applicationId: a.applicationId, state: a.state, ...(a.reasonCode ? { reasonCode: a.reasonCode } : {}) })),
  };
}

/** Written whole or not at all (a temp file beside it, renamed): a half-written plan is never applied. */
export async function writeSavedPlan(file: string, p: SavedPlan): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(p, null, 2) + '\n', { flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new CommandError(`cannot write the plan to ${file}: ${(err as Error).message}`);
  }
}

export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CommandError(`cannot read the saved plan ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Nothing was changed.`);
  }
  try {
    return parseSavedPlan(text, file);
  } catch (err) {
    if (err instanceof SavedPlanError) throw new CommandError(err.message);
    throw err;
  }
}

function actionLine(a: ActionOutcome): string {
  const sign = a.action === 'associate' ? '+' : a.action === 'disassociate' ? '-' : '~ deploy';
  const what = a.action === 'deploy' ? sign : `${sign} ${a.item}${a.name !== undefined ? ` (${a.name})` : ''}`;
  return `    ${a.outcome.padEnd(13)} ${a.target}: ${what}: ${a.reason}`;
}

/** The saved plan's part of apply's text report. */
export function savedPlanText(r: SavedPlanReport): string {
  const c = r.counts;
  const total = r.actions.length;
  const parts = (['done', 'unnecessary', 'impossible', 'failed', 'held', 'not-done', 'not-attempted'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  const lines = [
    `Saved plan ${r.file} (made ${r.createdAt}${r.revision ? ` at git revision ${r.revision}` : ''}): ${total} reviewed action${total === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}.`,
  ];
  const notDone = r.actions.filter((a) => a.outcome !== 'done');
  if (notDone.length) lines.push('  reviewed actions not made in this run:', ...notDone.map(actionLine));
  if (r.outsidePlan.length) {
    lines.push('  drift outside the plan (reported, not applied; make and review a new plan to change it):');
    for (const o of r.outsidePlan) {
      for (const x of o.associate) lines.push(`    ${o.target}: + ${x}`);
      for (const x of o.disassociate) lines.push(`    ${o.target}: - ${x}`);
      for (const x of o.deploy) lines.push(`    ${o.target}: ~ deploy ${x}`);
    }
  }
  return lines.join('\n') + '\n';
}
