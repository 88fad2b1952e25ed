/**
 * Saved plans (`plan --out FILE`, `apply --plan FILE`): what was reviewed is what is applied.
 *
 * The file is JSON (so also valid YAML, which is why it is not given as a desired-state path):
 *
 *   format, formatVersion   what it is; a reader refuses any other version
 *   tool, createdAt         who wrote it and when (apply refuses one older than --max-plan-age)
 *   desiredState            the paths given to plan, every file loaded (path, sha256 of its bytes),
 *                           a digest over all of them, the git revision
 *   options                 what shaped the plan: region, max-prune, allow-empty
 *   targets                 per target: the planned actions (names beside ids) and what was observed
 *
 * This module reads and checks the file and turns it into the Reconciler's allow-list (see
 * src/reconciler/allow.ts), and says after the run what became of every reviewed action.
 */
import { createHash } from 'node:crypto';
import type { Allowance, AllowList, OutsidePlan } from '../reconciler/allow.js';
import type { TargetState } from '../reconciler/reconciler.js';

export const PLAN_FORMAT = 'workspace-reconciler/plan';
export const PLAN_FORMAT_VERSION = 1;

export interface FileDigest {
  path: string;
  sha256: string;
}

export interface SavedPlanTarget {
  key: string;
  type: 'connect' | 'workspaces';
  region?: string;
  instanceId?: string;
  workspaceId: string;
  prune: boolean;
  /** Item → name (`user jdoe`, `Google Chrome`), as the JSON plan shows them. */
  names?: Record<string, string>;
  associate: string[];
  disassociate: string[];
  /** WorkSpaces: the one DeployWorkspaceApplications of the plan, or null. */
  deploy?: { force: boolean } | null;
  /** WorkSpaces: the application ids whose pending change that deploy carries. */
  deployFor?: string[];
  [more: string]: unknown;
}

export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  formatVersion: number;
  tool: { name: string; version: string };
  createdAt: string;
  desiredState: {
    /** The paths given to `plan`, as given (relative to the directory plan ran in). */
    paths: string[];
    files: FileDigest[];
    /** `sha256:` + hex, over the files' paths and digests in order (see desiredDigest). */
    digest: string;
    revision?: { commit: string; ref?: string };
  };
  options: { region?: string; maxPrune: number; allowEmpty: boolean };
  summary: Record<string, number>;
  targets: SavedPlanTarget[];
}

/** The saved plan cannot be used: exit 1, nothing changed. */
export class SavedPlanError extends Error {
  override name = 'SavedPlanError';
}

/** One digest over every file of the desired state: their paths and contents, in load order. */
export function desiredDigest(files: readonly FileDigest[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.sha256}\n`);
  return `sha256:${h.digest('hex')}`;
}

/** Parses and checks a saved plan; throws SavedPlanError saying what is wrong. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new SavedPlanError(`${file} is not a saved plan: not JSON (${(err as Error).message}). Nothing was changed.`);
  }
  const bad = (what: string) => new SavedPlanError(`${file} is not a saved plan of this tool: ${what}. Nothing was changed.`);
  if (!isObject(v) || v.format !== PLAN_FORMAT) throw bad(`"format" is not "${PLAN_FORMAT}" (write one with 'plan --out FILE')`);
  if (v.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new SavedPlanError(
      `${file} is a saved plan of format version ${JSON.stringify(v.formatVersion)}, which this tool does not understand (it reads version ${PLAN_FORMAT_VERSION}); make the plan again with this version. Nothing was changed.`,
    );
  }
  if (!isObject(v.tool) || typeof v.tool.version !== 'string') throw bad('"tool" has no version');
  if (typeof v.createdAt !== 'string' || Number.isNaN(Date.parse(v.createdAt))) throw bad('"createdAt" is not a time');
  const ds = v.desiredState;
  if (!isObject(ds) || !isStrings(ds.paths) || ds.paths.length === 0) throw bad('"desiredState.paths" is not a list of paths');
  if (!Array.isArray(ds.files) || !ds.files.every((f) => isObject(f) && typeof f.path === 'string' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256))) {
    throw bad('"desiredState.files" is not a list of {path, sha256}');
  }
  if (typeof ds.digest !== 'string' || ds.digest !== desiredDigest(ds.files as FileDigest[])) throw bad('"desiredState.digest" does not match its files (the plan was edited)');
  const o = v.options;
  if (!isObject(o) || typeof o.maxPrune !== 'number' || typeof o.allowEmpty !== 'boolean' || (o.region !== undefined && typeof o.region !== 'string')) throw bad('"options" is incomplete');
  if (!Array.isArray(v.targets)) throw bad('"targets" is not a list');
  const keys = new Set<string>();
  for (const t of v.targets) {
    if (!isObject(t) || typeof t.key !== 'string' || (t.type !== 'connect' && t.type !== 'workspaces') || !isStrings(t.associate) || !isStrings(t.disassociate)) {
      throw bad('a target has no key, type, associate or disassociate list');
    }
    if (t.type === 'workspaces' && (!isStrings(t.deployFor) || !(t.deploy === null || (isObject(t.deploy) && typeof t.deploy.force === 'boolean')))) {
      throw bad(`WorkSpace target ${t.key} has no deploy / deployFor`);
    }
    if (keys.has(t.key)) throw bad(`target ${t.key} appears twice`);
    keys.add(t.key);
  }
  return v as unknown as SavedPlan;
}

/** Refuses a plan older than maxAgeMs (or made more than a few minutes in the future: a clock problem). */
export function checkPlanAge(p: SavedPlan, now: number, maxAgeMs: number, file: string): void {
  const created = Date.parse(p.createdAt);
  const age = now - created;
  if (age > maxAgeMs) {
    throw new SavedPlanError(`${file} was made at ${p.createdAt}, ${duration(age)} ago, more than --max-plan-age ${duration(maxAgeMs)}: AWS may have changed since it was reviewed; make and review a new plan. Nothing was changed.`);
  }
  if (age < -5 * 60_000) throw new SavedPlanError(`${file} was made at ${p.createdAt}, in the future by this machine's clock; check the clocks. Nothing was changed.`);
}

/**
 * What differs between the files the plan was made from and those loaded now (each named), or []
 * when they are the same files with the same bytes in the same order.
 */
export function fileChanges(saved: readonly FileDigest[], now: readonly FileDigest[]): string[] {
  const before = new Map(saved.map((f) => [f.path, f.sha256]));
  const after = new Map(now.map((f) => [f.path, f.sha256]));
  const out: string[] = [];
  for (const [path, sha] of before) {
    const cur = after.get(path);
    if (cur === undefined) out.push(`${path}: no longer part of the desired state`);
    else if (cur !== sha) out.push(`${path}: changed (sha256 ${sha.slice(0, 12)}… in the plan, ${cur.slice(0, 12)}… now)`);
  }
  for (const path of after.keys()) if (!before.has(path)) out.push(`${path}: new since the plan`);
  if (out.length === 0 && desiredDigest(saved) !== desiredDigest(now)) out.push('the files are read in another order');
  return out;
}

/** The Reconciler's allow-list: exactly the actions of the saved plan. */
export function allowListOf(p: SavedPlan): AllowList {
  const m = new Map<string, Allowance>();
  for (const t of p.targets) {
    m.set(t.key, { associate: new Set(t.associate), disassociate: new Set(t.disassociate), deploy: new Set(t.type === 'workspaces' && t.deploy ? (t.deployFor ?? []) : []) });
  }
  return m;
}

export type Outcome = 'done' | 'unnecessary' | 'impossible' | 'failed' | 'held' | 'not-done' | 'not-attempted';

export interface ActionOutcome {
  target: string;
  action: 'associate' | 'disassociate' | 'deploy';
  item: string;
  name?: string;
  outcome: Outcome;
  reason: string;
}

export interface SavedPlanReport {
  file: string;
  createdAt: string;
  digest: string;
  revision?: string;
  /** Reviewed actions by outcome. */
  counts: Record<Outcome, number>;
  /** Every reviewed action and what became of it. */
  actions: ActionOutcome[];
  /** What the world needed beyond the reviewed plan at the end: reported, not applied. */
  outsidePlan: ({ target: string } & OutsidePlan)[];
}

/**
 * What became of every reviewed action, from the reconciler's target states after the run:
 *   done          AWS confirmed it in this run
 *   unnecessary   the world already was that way (nothing to do when it was observed again)
 *   impossible    AWS refused it for good (a resource that no longer exists…), or the desired
 *                 state as resolved now no longer asks for it (a name now resolves elsewhere)
 *   failed        still failing (retryable) when the run ended
 *   held          a removal the run's guards held back (see the Reconciler's removal holds)
 *   not-done      the run ended (timeout, interruption) before it was done
 *   not-attempted the target could not be observed, or is no longer a target
 */
export function savedPlanReport(p: SavedPlan, file: string, states: Iterable<TargetState>): SavedPlanReport {
  const byKey = new Map<string, TargetState>();
  for (const st of states) byKey.set(st.target.key, st);
  const actions: ActionOutcome[] = [];
  for (const t of p.targets) {
    const st = byKey.get(t.key);
    const add = (action: ActionOutcome['action'], item: string, outcome: Outcome, reason: string) =>
      actions.push({ target: t.key, action, item, ...(t.names?.[item] !== undefined ? { name: t.names[item] } : {}), outcome, reason });
    const all = [...t.associate.map((i) => ['associate', i] as const), ...t.disassociate.map((i) => ['disassociate', i] as const)];
    const deploys = t.type === 'workspaces' && t.deploy ? [t.workspaceId] : [];
    if (!st) {
      for (const [a, i] of all) add(a, i, 'impossible', 'the target is no longer in the desired state as resolved now');
      for (const w of deploys) add('deploy', w, 'impossible', 'the target is no longer in the desired state as resolved now');
      continue;
    }
    if (!st.observed && st.status !== 'failed') {
      for (const [a, i] of all) add(a, i, 'not-attempted', 'the target could not be observed');
      for (const w of deploys) add('deploy', w, 'not-attempted', 'the target could not be observed');
      continue;
    }
    const settled = st.status === 'converged' || st.status === 'failed';
    const retrying = new Map((st.status === 'retrying' ? st.retrying : []).map((f) => [f.item, f]));
    const targetFailure = st.terminal.get(t.key);
    for (const [a, i] of all) {
      const terminal = st.terminal.get(i) ?? targetFailure;
      const retry = retrying.get(i);
      if (st.made[a].has(i)) add(a, i, 'done', a === 'associate' ? 'associated' : 'disassociated');
      else if (terminal) add(a, i, 'impossible', `${terminal.operation}: ${terminal.code}: ${terminal.message}`);
      else if (retry) add(a, i, 'failed', `${retry.operation}: ${retry.code}: ${retry.message}`);
      else if (a === 'associate' && !st.target.desired.has(i)) add(a, i, 'impossible', 'no longer in the desired state as resolved now');
      else if (a === 'disassociate' && (!st.target.prune || st.target.desired.has(i))) add(a, i, 'impossible', 'the desired state as resolved now no longer removes it');
      else if (a === 'disassociate' && st.held) add(a, i, 'held', st.held.message);
      else if (settled) add(a, i, 'unnecessary', a === 'associate' ? 'already associated' : 'already removed');
      else add(a, i, 'not-done', `the run ended first (target ${st.status})`);
    }
    for (const w of deploys) {
      const terminal = st.terminal.get(w) ?? targetFailure;
      const retry = retrying.get(w);
      if (st.done.deploy > 0) add('deploy', w, 'done', `deployed ${st.done.deploy} time${st.done.deploy === 1 ? '' : 's'}`);
      else if (terminal) add('deploy', w, 'impossible', `${terminal.operation}: ${terminal.code}: ${terminal.message}`);
      else if (retry) add('deploy', w, 'failed', `${retry.operation}: ${retry.code}: ${retry.message}`);
      else if (settled) add('deploy', w, 'unnecessary', 'nothing left to deploy');
      else add('deploy', w, 'not-done', `the run ended first (target ${st.status})`);
    }
  }
  const counts: Record<Outcome, number> = { done: 0, unnecessary: 0, impossible: 0, failed: 0, held: 0, 'not-done': 0, 'not-attempted': 0 };
  for (const a of actions) counts[a.outcome]++;
  const outsidePlan: SavedPlanReport['outsidePlan'] = [];
  for (const st of byKey.values()) {
    const o = st.outsidePlan;
    if (o && (o.associate.length > 0 || o.disassociate.length > 0 || o.deploy.length > 0)) outsidePlan.push({ target: st.target.key, ...o });
  }
  outsidePlan.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { file, createdAt: p.createdAt, digest: p.desiredState.digest, ...(p.desiredState.revision ? { revision: p.desiredState.revision.commit } : {}), counts, actions, outsidePlan };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  const m = Math.round(ms / 60_000);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
}
