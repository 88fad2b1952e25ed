/**
 * Drift: how a target's associations differ from its desired state, counted from a plan (pure:
 * no I/O, no clock). `run --observe-only` reports it instead of acting on it; the daemon also
 * reports what a normal pass leaves undone.
 *
 *   direction   │ counts (items not failed terminally: those are reported as terminal failures)
 *   ────────────┼──────────────────────────────────────────────────────────────────────────────
 *   missing     │ desired, not associated (what the plan would associate)
 *   extra       │ associated, not desired, on a `prune: true` target (what prune would remove;
 *               │ whether a guard would hold the removal is not drift's business)
 *   undeployed  │ WorkSpaces only: an association whose install or uninstall has not reached the
 *               │ WorkSpace yet (pending a deploy, a deployment running, or a retryable ERROR)
 *
 * A target without `prune` has no `extra`: what else is associated there is not ours to judge.
 */
import type { AssociationState, Observed } from '../model/observed.js';
import { isInFlight, isTerminalReason } from './plan.js';
import type { Exclusions } from './plan.js';
import type { TargetPlan } from './types.js';

const NONE: Exclusions = { has: () => false };

export const DRIFT_DIRECTIONS = ['missing', 'extra', 'undeployed'] as const;
export type DriftDirection = (typeof DRIFT_DIRECTIONS)[number];

export type DriftCounts = Record<DriftDirection, number>;

/** The directions a kind of target can drift in (Connect has no deployments). */
export function directionsOf(type: TargetPlan['type']): readonly DriftDirection[] {
  return type === 'connect' ? ['missing', 'extra'] : DRIFT_DIRECTIONS;
}

export function driftTotal(d: DriftCounts | undefined): number {
  return d ? d.missing + d.extra + d.undeployed : 0;
}

/**
 * The drift of one target, from its plan and the observation and exclusions the plan was made
 * from. The plan must be the whole one (before any removal hold): drift is what differs, not
 * what a pass does.
 */
export function driftOf(tp: TargetPlan, observed: Observed | undefined, excluded: Exclusions = NONE): DriftCounts {
  if (tp.type === 'connect') {
    return { missing: count(tp.associate), extra: count(tp.disassociate), undeployed: 0 };
  }
  const t = tp.target;
  const removing = new Set(tp.disassociate);
  let undeployed = 0;
  if (observed?.type === 'workspaces') {
    for (const app of observed.applications.values()) {
      if (excluded.has(app.applicationId) || removing.has(app.applicationId)) continue;
      if (!t.desired.has(app.applicationId) && !t.prune) continue;
      if (notYetDeployed(app.state, app.reasonCode)) undeployed++;
    }
  }
  return { missing: tp.associate.length, extra: tp.disassociate.length, undeployed };
}

function count(batches: readonly (readonly string[])[]): number {
  let n = 0;
  for (const b of batches) n += b.length;
  return n;
}

/** A terminal ERROR (ValidationError.*) is a terminal failure, reported as such, not drift. */
function notYetDeployed(state: AssociationState, reasonCode: string | undefined): boolean {
  if (state === 'PENDING_INSTALL' || state === 'PENDING_UNINSTALL') return true;
  if (state === 'ERROR') return !isTerminalReason(reasonCode);
  return isInFlight(state);
}
