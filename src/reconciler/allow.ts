/**
 * The allow-list of a reviewed plan (`apply --plan FILE`): per target, the actions the reviewed
 * plan contained. The Reconciler restricts every plan it computes to it, in the one place where a
 * plan becomes calls (so every pass, retry and requeue obeys it), and the run's guard plan is
 * restricted the same way. Whatever the world needs beyond it is reported as drift outside the
 * plan and never done: a removal nobody reviewed is never made.
 *
 *   current plan has                  │ made only when the reviewed plan had
 *   ──────────────────────────────────┼──────────────────────────────────────────────────────────
 *   associate X                       │ associate X
 *   disassociate X                    │ disassociate X
 *   a deploy carrying X (WorkSpaces)  │ associate X or disassociate X (a reviewed change implies
 *                                     │ its deploy, its Force retries and its polling), or a deploy
 *                                     │ carrying X (an association already there, pending)
 *
 * AWS has no per-pair deploy: DeployWorkspaceApplications carries every pending change of the
 * WorkSpace (and a Force one redeploys every ERROR pair). So a deploy the allowance permits is
 * still not made when the WorkSpace has a pending change the plan did not review (someone
 * disassociated an application by hand since: the deploy would uninstall it): `blockedDeploy`
 * names those changes, and the Reconciler reports the deploy as failed for good.
 *
 * Pure: no I/O, no clock. A target without an entry may have nothing done at all.
 */
import { chunk, CONNECT_BATCH_SIZE } from './plan.js';
import { summarize } from './plan.js';
import type { Observed, Plan, TargetPlan } from './types.js';

/** What the reviewed plan allows for one target. */
export interface Allowance {
  associate: ReadonlySet<string>;
  disassociate: ReadonlySet<string>;
  /** WorkSpaces: application ids whose pending change a deploy may carry (beyond those above). */
  deploy: ReadonlySet<string>;
}

/** Allowances by target key. */
export type AllowList = ReadonlyMap<string, Allowance>;

/** What the current plan wanted and the allow-list refused: drift outside the reviewed plan. */
export interface OutsidePlan {
  associate: string[];
  disassociate: string[];
  /** Application ids a deploy would have carried (pending changes nobody reviewed). */
  deploy: string[];
}

const NOTHING: Allowance = { associate: new Set(), disassociate: new Set(), deploy: new Set() };

export function isEmptyOutside(o: OutsidePlan): boolean {
  return o.associate.length === 0 && o.disassociate.length === 0 && o.deploy.length === 0;
}

export interface Restricted {
  plan: TargetPlan;
  outside: OutsidePlan;
  /** A permitted deploy left out because it would also carry these unreviewed pending changes. */
  blockedDeploy?: string[];
}

/** The part of a target's plan the allowance permits, and the rest. */
export function restrictTarget(tp: TargetPlan, allowance: Allowance | undefined, observed?: Observed): Restricted {
  const a = allowance ?? NOTHING;
  if (tp.type === 'connect') {
    const associate = tp.associate.flat();
    const disassociate = tp.disassociate.flat();
    return {
      plan: {
        ...tp,
        associate: chunk(associate.filter((x) => a.associate.has(x)), CONNECT_BATCH_SIZE),
        disassociate: chunk(disassociate.filter((x) => a.disassociate.has(x)), CONNECT_BATCH_SIZE),
      },
      outside: { associate: associate.filter((x) => !a.associate.has(x)), disassociate: disassociate.filter((x) => !a.disassociate.has(x)), deploy: [] },
    };
  }
  const deployable = (x: string) => a.associate.has(x) || a.disassociate.has(x) || a.deploy.has(x);
  const deployFor = tp.deployFor.filter(deployable);
  const retry = tp.retry.filter((r) => deployable(r.applicationId));
  let deploy = tp.deploy && deployFor.length > 0 ? { force: retry.length > 0 } : null;
  let blockedDeploy: string[] | undefined;
  if (deploy && observed?.type === 'workspaces') {
    // What else the deploy would carry out: pending pairs (and, with Force, ERROR pairs) that no
    // reviewed action covers, other than those this pass associates or removes itself (allowed).
    const carried = [...observed.applications.values()].filter(
      (app) => (app.state === 'PENDING_INSTALL' || app.state === 'PENDING_UNINSTALL' || (deploy!.force && app.state === 'ERROR')) && !deployable(app.applicationId),
    );
    if (carried.length > 0) {
      blockedDeploy = carried.map((app) => `${app.applicationId} (${app.state})`).sort();
      deploy = null;
    }
  }
  const outsideAssociate = tp.associate.filter((x) => !a.associate.has(x));
  const outsideDisassociate = tp.disassociate.filter((x) => !a.disassociate.has(x));
  const already = new Set([...outsideAssociate, ...outsideDisassociate]);
  return {
    plan: {
      ...tp,
      associate: tp.associate.filter((x) => a.associate.has(x)),
      disassociate: tp.disassociate.filter((x) => a.disassociate.has(x)),
      deploy,
      deployFor: deploy ? deployFor : [],
      retry,
      // Waits stay: they make no call, and our deploy can only start once they are over.
    },
    outside: { associate: outsideAssociate, disassociate: outsideDisassociate, deploy: tp.deployFor.filter((x) => !deployable(x) && !already.has(x)) },
    ...(blockedDeploy ? { blockedDeploy } : {}),
  };
}

/** A whole plan restricted (the run's guard); without an allow-list, the plan as it is. */
export function restrictPlan(p: Plan, allow: AllowList | undefined): Plan {
  if (!allow) return p;
  const targets = p.targets.map((tp) => restrictTarget(tp, allow.get(tp.target.key)).plan);
  return { targets, summary: summarize(targets) };
}
