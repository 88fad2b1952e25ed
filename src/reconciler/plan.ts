/**
 * The planner: a pure function of (desired targets, observed associations) → what to do.
 * No I/O, no clock, no randomness; the same inputs always give the same plan.
 *
 * Connect workspaces (set arithmetic on resource ARNs, D = desired, O = observed):
 *   associate    = D \ O                    in batches of ≤ 25 (the API maximum)
 *   disassociate = prune ? O \ D : ∅        in batches of ≤ 25
 *
 * WorkSpaces: one row per application association on the WorkSpace. "ours" = listed in the
 * desired state; with prune, every association on the WorkSpace is ours to remove.
 *
 *  observed state                  │ desired                  │ not desired, prune       │ not desired, no prune
 *  ────────────────────────────────┼──────────────────────────┼──────────────────────────┼──────────────────────
 *  absent, REMOVED                 │ associate + deploy       │ –                        │ –
 *  PENDING_INSTALL                 │ deploy                   │ disassociate             │ –
 *  PENDING_INSTALL_DEPLOYMENT,     │ wait                     │ wait (removed once       │ –
 *    INSTALLING                    │                          │   COMPLETED)             │
 *  COMPLETED                       │ – (converged)            │ disassociate + deploy    │ –
 *  PENDING_UNINSTALL               │ deploy ¹                 │ deploy                   │ –
 *  PENDING_UNINSTALL_DEPLOYMENT,   │ wait ¹                   │ wait                     │ –
 *    UNINSTALLING                  │                          │                          │
 *  ERROR, DeploymentError.* or     │ retry: deploy Force      │ disassociate + deploy    │ –
 *    no reason ²                   │                          │                          │
 *  ERROR, ValidationError.*        │ failed (terminal)        │ failed (terminal) ³      │ –
 *
 *  ¹ Someone else asked for the removal. AWS does not document whether re-associating an
 *    association that is pending uninstall is allowed, so the plan lets the uninstall finish
 *    (REMOVED) and associates again on a later pass: slower, but correct whatever AWS does.
 *  ³ A ValidationError does not go away by retrying, whichever way the deployment went: if it
 *    was an uninstall, disassociating and deploying again only repeats it (a deploy every poll,
 *    forever). It is reported, like a desired pair in that state.
 *  ² An ERROR without a reason code is treated as retryable: the backoff bounds the cost of being
 *    wrong, while treating it as terminal would strand an item that a retry would fix.
 *
 * Excluded items (those that already failed terminally: an unknown user, an application that
 * does not exist, a WorkSpace whose deployments are refused) are left out entirely, as if
 * neither desired nor observed: no call for them, and no deploy on their account alone, so a
 * terminal failure is reported once, never retried in a loop.
 *
 * Deployment is per WorkSpace and covers all of its pending associations, so a WorkSpace gets
 * at most one deploy per pass, with Force when any pair is retried. AWS has no per-pair deploy:
 * a Force deploy also redeploys the WorkSpace's other ERROR pairs, including one reported
 * terminal (ValidationError.*). That pair gets no call of its own and is never the reason for a
 * deploy (a WorkSpace whose only ERROR pairs are terminal gets none), but it does ride along on a
 * Force deploy made for a retryable pair; it stays reported terminal whatever that deploy does. A deploy is held back while
 * any association on the WorkSpace is in flight (a deployment is running; AWS answers
 * ResourceInUse): the plan then waits on the in-flight pairs, and a later pass deploys.
 */
import type { ConnectTarget, Target, WorkSpaceTarget } from '../model/desired.js';
import type {
  AssociationState,
  ConnectPlan,
  FailedItem,
  ObservedApplication,
  ObservedState,
  Plan,
  PlanSummary,
  RetryItem,
  TargetPlan,
  WaitItem,
  WorkSpacePlan,
} from './types.js';

/** AssociateWorkspace / DisassociateWorkspace accept at most 25 ARNs per call. */
export const CONNECT_BATCH_SIZE = 25;

const IN_FLIGHT: ReadonlySet<AssociationState> = new Set<AssociationState>([
  'PENDING_INSTALL_DEPLOYMENT',
  'INSTALLING',
  'PENDING_UNINSTALL_DEPLOYMENT',
  'UNINSTALLING',
]);

export function isInFlight(state: AssociationState): boolean {
  return IN_FLIGHT.has(state);
}

/** `ValidationError.*` reasons will fail again however often they are retried. */
export function isTerminalReason(reasonCode: string | undefined): boolean {
  return reasonCode !== undefined && reasonCode.startsWith('ValidationError.');
}

/** Items to leave out of a target's plan: resource ARNs, application ids, or the WorkSpace id (no deploy). */
export interface Exclusions {
  has(item: string): boolean;
}

const NONE: Exclusions = { has: () => false };

export function plan(desired: readonly Target[], observed: ObservedState, excluded?: (targetKey: string) => Exclusions | undefined): Plan {
  const targets: TargetPlan[] = desired.map((target) => {
    const ex = excluded?.(target.key) ?? NONE;
    return target.type === 'connect' ? planConnect(target, observed, ex) : planWorkSpace(target, observed, ex);
  });
  return { targets, summary: summarize(targets) };
}

export function planConnect(target: ConnectTarget, observed: ObservedState, excluded: Exclusions = NONE): ConnectPlan {
  const seen = observed.get(target.key);
  const associated = seen?.type === 'connect' ? seen.associated : new Set<string>();
  const toAdd: string[] = [];
  for (const arn of target.desired.keys()) if (!associated.has(arn) && !excluded.has(arn)) toAdd.push(arn);
  const toRemove: string[] = [];
  if (target.prune) for (const arn of associated) if (!target.desired.has(arn) && !excluded.has(arn)) toRemove.push(arn);
  return {
    type: 'connect',
    target,
    associate: chunk(toAdd.sort(), CONNECT_BATCH_SIZE),
    disassociate: chunk(toRemove.sort(), CONNECT_BATCH_SIZE),
  };
}

export function planWorkSpace(target: WorkSpaceTarget, observed: ObservedState, excluded: Exclusions = NONE): WorkSpacePlan {
  const seen = observed.get(target.key);
  const applications = seen?.type === 'workspaces' ? seen.applications : new Map<string, ObservedApplication>();
  const associate: string[] = [];
  const disassociate: string[] = [];
  const wait: WaitItem[] = [];
  const retry: RetryItem[] = [];
  const failed: FailedItem[] = [];
  const deployFor: string[] = [];
  let needsDeploy = false;
  const needDeploy = (applicationId: string) => {
    needsDeploy = true;
    deployFor.push(applicationId);
  };

  for (const applicationId of target.desired.keys()) {
    if (excluded.has(applicationId)) continue;
    const app = applications.get(applicationId);
    const state = app?.state ?? 'REMOVED';
    switch (state) {
      case 'REMOVED':
        associate.push(applicationId);
        needDeploy(applicationId);
        break;
      case 'PENDING_INSTALL':
      case 'PENDING_UNINSTALL':
        needDeploy(applicationId);
        break;
      case 'COMPLETED':
        break;
      case 'ERROR':
        if (isTerminalReason(app?.reasonCode)) {
          failed.push({
            item: applicationId,
            code: app?.reasonCode ?? 'ERROR',
            message: app?.reasonMessage ?? 'deployment failed',
            terminal: true,
          });
        } else {
          retry.push({ applicationId, reasonCode: app?.reasonCode ?? 'ERROR' });
          needDeploy(applicationId);
        }
        break;
      default: // in flight
        wait.push({ applicationId, state });
    }
  }

  if (target.prune) {
    for (const app of applications.values()) {
      if (target.desired.has(app.applicationId) || excluded.has(app.applicationId)) continue;
      switch (app.state) {
        case 'REMOVED':
          break;
        case 'PENDING_INSTALL':
          // Never deployed: disassociating removes it outright, nothing to deploy for it.
          disassociate.push(app.applicationId);
          break;
        case 'ERROR':
          if (isTerminalReason(app.reasonCode)) {
            // Removing it ends in the same ValidationError again (an uninstall AWS refuses):
            // reported, never a disassociate-and-deploy loop.
            failed.push({ item: app.applicationId, code: app.reasonCode ?? 'ERROR', message: app.reasonMessage ?? 'deployment failed', terminal: true });
            break;
          }
          disassociate.push(app.applicationId);
          needDeploy(app.applicationId);
          break;
        case 'COMPLETED':
          disassociate.push(app.applicationId);
          needDeploy(app.applicationId);
          break;
        case 'PENDING_UNINSTALL':
          needDeploy(app.applicationId);
          break;
        default: // in flight
          wait.push({ applicationId: app.applicationId, state: app.state });
      }
    }
  }

  let deploy: WorkSpacePlan['deploy'] = null;
  if (needsDeploy && !excluded.has(target.workspaceId)) {
    const blocking = [...applications.values()].filter((a) => isInFlight(a.state));
    if (blocking.length === 0) {
      deploy = { force: retry.length > 0 };
    } else {
      // Wait on every in-flight pair, ours or not: our deploy can only start after them.
      const waiting = new Set(wait.map((w) => w.applicationId));
      for (const a of blocking) {
        if (!waiting.has(a.applicationId)) wait.push({ applicationId: a.applicationId, state: a.state });
      }
    }
  }

  return {
    type: 'workspaces',
    target,
    associate: associate.sort(),
    disassociate: disassociate.sort(),
    deploy,
    deployFor: deploy ? deployFor.sort() : [],
    wait: wait.sort((a, b) => compare(a.applicationId, b.applicationId)),
    retry: retry.sort((a, b) => compare(a.applicationId, b.applicationId)),
    failed: failed.sort((a, b) => compare(a.item, b.item)),
  };
}

/** True when carrying out the target's plan would call a mutating API. */
export function hasChanges(tp: TargetPlan): boolean {
  if (tp.type === 'connect') return tp.associate.length > 0 || tp.disassociate.length > 0;
  return tp.associate.length > 0 || tp.disassociate.length > 0 || tp.deploy !== null;
}

/** True when nothing is left to do or wait for (terminal failures may remain). */
export function isSettled(tp: TargetPlan): boolean {
  return !hasChanges(tp) && (tp.type === 'connect' || tp.wait.length === 0);
}

export function summarize(targets: readonly TargetPlan[]): PlanSummary {
  const s: PlanSummary = { associate: 0, disassociate: 0, deploy: 0, wait: 0, retry: 0, failed: 0 };
  for (const tp of targets) {
    if (tp.type === 'connect') {
      for (const b of tp.associate) s.associate += b.length;
      for (const b of tp.disassociate) s.disassociate += b.length;
    } else {
      s.associate += tp.associate.length;
      s.disassociate += tp.disassociate.length;
      s.deploy += tp.deploy ? 1 : 0;
      s.wait += tp.wait.length;
      s.retry += tp.retry.length;
      s.failed += tp.failed.length;
    }
  }
  return s;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
