/**
 * Amazon WorkSpaces (awsJson1_1): dispatch on `x-amz-target` and the association mutations.
 * The state machine itself is in workspaces-state.ts.
 */
import type { CallContext } from './context.js';
import { workspacesError } from './errors.js';
import { APPLICATION_ID, WORKSPACE_ID } from './names.js';
import { describeApplicationAssociations, describeApplications, describeTags, describeWorkspaceAssociations, describeWorkspaces } from './workspaces-describe.js';
import { IN_FLIGHT, type AppAssociation, type WorkSpace } from './workspaces-state.js';
import { findApplication, findWorkSpace, requiredString, serialization, workspaceAssociation } from './workspaces-wire.js';

export const WORKSPACES_OPERATIONS = [
  'AssociateWorkspaceApplication',
  'DisassociateWorkspaceApplication',
  'DeployWorkspaceApplications',
  'DescribeWorkspaceAssociations',
  'DescribeApplicationAssociations',
  'DescribeApplications',
  'DescribeWorkspaces',
  'DescribeTags',
] as const;

export type WorkSpacesOperation = (typeof WORKSPACES_OPERATIONS)[number];

export function isWorkSpacesOperation(op: string): op is WorkSpacesOperation {
  return (WORKSPACES_OPERATIONS as readonly string[]).includes(op);
}

export function handleWorkSpaces(op: WorkSpacesOperation, ctx: CallContext, body: Record<string, unknown>): unknown {
  switch (op) {
    case 'AssociateWorkspaceApplication':
      return associate(ctx, body);
    case 'DisassociateWorkspaceApplication':
      return disassociate(ctx, body);
    case 'DeployWorkspaceApplications':
      return deploy(ctx, body);
    case 'DescribeWorkspaceAssociations':
      return describeWorkspaceAssociations(ctx, body);
    case 'DescribeApplicationAssociations':
      return describeApplicationAssociations(ctx, body);
    case 'DescribeApplications':
      return describeApplications(ctx, body);
    case 'DescribeWorkspaces':
      return describeWorkspaces(ctx, body);
    case 'DescribeTags':
      return describeTags(ctx, body);
  }
}

/**
 * WorkSpaces that are gone or not yet built cannot take application changes. AWS does not document
 * which states refuse; refusing these is the stricter plausible choice.
 */
const UNUSABLE = new Set(['PENDING', 'TERMINATING', 'TERMINATED', 'ERROR', 'SUSPENDED']);

function usable(ws: WorkSpace): void {
  if (UNUSABLE.has(ws.state)) {
    throw workspacesError('OperationNotSupportedException', `The WorkSpace ${ws.id} is ${ws.state}.`, { reason: `WorkSpace state ${ws.state}` });
  }
}

function associate(ctx: CallContext, body: Record<string, unknown>): unknown {
  const wsId = requiredString(body, 'WorkspaceId', WORKSPACE_ID);
  const appId = requiredString(body, 'ApplicationId', APPLICATION_ID);
  const ws = findWorkSpace(ctx, wsId);
  const app = findApplication(ctx, appId);
  const existing = ws.apps.get(appId);
  if (existing !== undefined && existing.state !== 'REMOVED') {
    throw workspacesError('ResourceAlreadyExistsException', `The application ${appId} is already associated with ${wsId} (${existing.state}).`);
  }
  usable(ws);
  // An application that is not AVAILABLE (PENDING, ERROR, UNINSTALL_ONLY) cannot be newly associated;
  // undocumented, and the stricter plausible answer.
  if (app.state !== 'AVAILABLE') throw workspacesError('ApplicationNotSupportedException', '');
  if (!app.operatingSystems.includes(ws.operatingSystem)) throw workspacesError('OperatingSystemNotCompatibleException', '');
  if (app.computeTypes.length > 0 && !app.computeTypes.includes(ws.computeType)) throw workspacesError('ComputeNotCompatibleException', '');
  const now = ctx.now();
  // Re-associating a REMOVED application replaces the old record.
  const a: AppAssociation = { workspaceId: wsId, applicationId: appId, state: 'PENDING_INSTALL', created: now, lastUpdated: now, since: now, phase: 'install' };
  ctx.state.workspaces.put(a);
  return { Association: workspaceAssociation(a) };
}

function disassociate(ctx: CallContext, body: Record<string, unknown>): unknown {
  const wsId = requiredString(body, 'WorkspaceId', WORKSPACE_ID);
  const appId = requiredString(body, 'ApplicationId', APPLICATION_ID);
  const ws = findWorkSpace(ctx, wsId);
  findApplication(ctx, appId);
  const a = ws.apps.get(appId);
  if (a === undefined || a.state === 'REMOVED') {
    throw workspacesError('ResourceNotFoundException', `The application ${appId} is not associated with ${wsId}.`, { ResourceId: appId });
  }
  // PENDING_UNINSTALL is already scheduled for removal: a second disassociate is refused as in use
  // (undocumented; stricter than a silent no-op, so a caller that never deploys is caught).
  if (IN_FLIGHT.has(a.state) || a.state === 'PENDING_UNINSTALL') {
    throw workspacesError('ResourceInUseException', `The association of ${appId} with ${wsId} is ${a.state}.`, { ResourceId: wsId });
  }
  usable(ws);
  const now = ctx.now();
  // Never deployed: nothing to uninstall, so it is removed at once.
  a.state = a.state === 'PENDING_INSTALL' ? 'REMOVED' : 'PENDING_UNINSTALL';
  a.phase = 'uninstall';
  a.reason = undefined;
  a.since = now;
  a.lastUpdated = now;
  return { Association: workspaceAssociation(a) };
}

/**
 * Moves every pending association of the WorkSpace into its deployment state; ERROR ones only with
 * Force. While any association is in flight a new deployment is refused (ResourceInUseException), the
 * stricter reading of "a deployment is already running".
 */
function deploy(ctx: CallContext, body: Record<string, unknown>): unknown {
  const wsId = requiredString(body, 'WorkspaceId', WORKSPACE_ID);
  const force = body.Force ?? false;
  if (typeof force !== 'boolean') throw serialization('Force must be a boolean.');
  const ws = findWorkSpace(ctx, wsId);
  for (const a of ws.apps.values()) {
    if (IN_FLIGHT.has(a.state)) throw workspacesError('ResourceInUseException', `A deployment to ${wsId} is in progress (${a.applicationId} is ${a.state}).`, { ResourceId: wsId });
  }
  usable(ws);
  const now = ctx.now();
  const moved: AppAssociation[] = [];
  for (const a of [...ws.apps.values()].sort((x, y) => (x.applicationId < y.applicationId ? -1 : 1))) {
    let next: AppAssociation['state'] | undefined;
    if (a.state === 'PENDING_INSTALL') next = 'PENDING_INSTALL_DEPLOYMENT';
    else if (a.state === 'PENDING_UNINSTALL') next = 'PENDING_UNINSTALL_DEPLOYMENT';
    else if (a.state === 'ERROR' && force) next = a.phase === 'install' ? 'PENDING_INSTALL_DEPLOYMENT' : 'PENDING_UNINSTALL_DEPLOYMENT';
    if (next === undefined) continue;
    a.state = next;
    a.reason = undefined;
    a.since = now;
    a.lastUpdated = now;
    moved.push(a);
  }
  return { Deployment: { Associations: moved.map(workspaceAssociation) } };
}
