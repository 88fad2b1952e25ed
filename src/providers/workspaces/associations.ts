/**
 * DescribeWorkspaceAssociations → ObservedApplication map. Pure: no I/O.
 */
import type { WorkspaceResourceAssociation } from '@aws-sdk/client-workspaces';
import { ASSOCIATION_STATES, type AssociationState, type ObservedApplication } from '../../model/observed.js';

const KNOWN: ReadonlySet<string> = new Set(ASSOCIATION_STATES);

/**
 * A state this build does not know (a future enum value, or none at all) is read as INSTALLING,
 * i.e. in flight. That is the one reading under which the planner neither deploys, nor forces a
 * redeploy, nor disassociates: it only waits and polls again (and holds back other deploys on
 * that WorkSpace, since a deployment may be running). Waiting on something we cannot interpret
 * costs time, and `apply` then ends "not converged", which an operator sees; acting on it could
 * remove or redeploy an application for a reason we do not understand.
 */
export const UNKNOWN_STATE_AS: AssociationState = 'INSTALLING';

export function toAssociationState(state: string | undefined): AssociationState {
  return state !== undefined && KNOWN.has(state) ? (state as AssociationState) : UNKNOWN_STATE_AS;
}

/**
 * Application associations of one WorkSpace by application id. If AWS lists one application
 * twice (a REMOVED record beside a new association), the live one wins, then the latest update.
 */
export function toApplications(associations: readonly WorkspaceResourceAssociation[]): Map<string, ObservedApplication> {
  const best = new Map<string, WorkspaceResourceAssociation>();
  for (const a of associations) {
    const id = a.AssociatedResourceId;
    if (!id || (a.AssociatedResourceType !== undefined && a.AssociatedResourceType !== 'APPLICATION')) continue;
    const prev = best.get(id);
    if (!prev || preferred(a, prev)) best.set(id, a);
  }
  const out = new Map<string, ObservedApplication>();
  for (const [applicationId, a] of best) {
    const state = toAssociationState(a.State);
    const app: ObservedApplication = { applicationId, state };
    if (a.StateReason?.ErrorCode) app.reasonCode = a.StateReason.ErrorCode;
    if (a.StateReason?.ErrorMessage) app.reasonMessage = a.StateReason.ErrorMessage;
    if (state !== a.State && app.reasonMessage === undefined) {
      // Say why the pair waits, for reports: the raw state is otherwise lost.
      app.reasonMessage = `unknown association state ${a.State ?? '(none)'}; waiting as if in flight`;
    }
    out.set(applicationId, app);
  }
  return out;
}

function preferred(a: WorkspaceResourceAssociation, b: WorkspaceResourceAssociation): boolean {
  const aRemoved = a.State === 'REMOVED';
  const bRemoved = b.State === 'REMOVED';
  if (aRemoved !== bRemoved) return bRemoved;
  return (a.LastUpdatedTime?.getTime() ?? 0) > (b.LastUpdatedTime?.getTime() ?? 0);
}
