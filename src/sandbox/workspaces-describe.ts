/** The WorkSpaces Describe* operations: paginated by opaque cursor tokens on sorted ids. */
import type { CallContext } from './context.js';
import { epochSeconds } from './context.js';
import { workspacesError } from './errors.js';
import { APPLICATION_ID, BUNDLE_ID, COMPUTE_TYPES, DIRECTORY_ID, OPERATING_SYSTEMS, OWNER, WORKSPACE_ID, WORKSPACE_NAME } from './names.js';
import { pageOf, SortedIndex } from './sorted.js';
import { decodeToken, encodeToken } from './tokens.js';
import { advance, type WorkSpace } from './workspaces-state.js';
import {
  applicationAssociation, findApplication, findWorkSpace, invalid, optionalInt, optionalString, optionalStrings,
  requiredString, workspaceAssociation,
} from './workspaces-wire.js';

function cursor(body: Record<string, unknown>, scope: string): string | undefined {
  const token = optionalString(body, 'NextToken');
  if (token === undefined) return undefined;
  if (token.length < 1 || token.length > 2048) throw invalid('NextToken must be 1 to 2048 characters.');
  const after = decodeToken(scope, token);
  if (after === undefined) throw invalid('The NextToken is not valid for this request.');
  return after;
}

function next(scope: string, after: string | undefined): string | undefined {
  return after === undefined ? undefined : encodeToken(scope, after);
}

/** Not paginated; REMOVED associations stay visible (a reconciler must treat REMOVED as absent). */
export function describeWorkspaceAssociations(ctx: CallContext, body: Record<string, unknown>): unknown {
  const wsId = requiredString(body, 'WorkspaceId', WORKSPACE_ID);
  const types = optionalStrings(body, 'AssociatedResourceTypes', { min: 1, oneOf: ['APPLICATION'] });
  if (types === undefined) throw invalid('AssociatedResourceTypes is required.');
  const ws = findWorkSpace(ctx, wsId);
  const list = [...ws.apps.values()].sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1));
  return { Associations: list.map(workspaceAssociation) };
}

export function describeApplicationAssociations(ctx: CallContext, body: Record<string, unknown>): unknown {
  const appId = requiredString(body, 'ApplicationId', APPLICATION_ID);
  const types = optionalStrings(body, 'AssociatedResourceTypes', { min: 1, oneOf: ['WORKSPACE', 'BUNDLE', 'IMAGE'] });
  if (types === undefined) throw invalid('AssociatedResourceTypes is required.');
  const limit = optionalInt(body, 'MaxResults', 1, 25) ?? 25;
  findApplication(ctx, appId);
  const scope = `DescribeApplicationAssociations|${appId}|${[...types].sort().join(',')}`;
  const after = cursor(body, scope);
  // The sandbox has no bundles or images, so only WORKSPACE asks return anything.
  const idx = types.includes('WORKSPACE') ? ctx.state.workspaces.byApplication.get(appId) : undefined;
  const page = idx === undefined ? { items: [] } : pageOf(idx, { after, limit });
  for (const a of page.items) advance(a, ctx.step);
  return { Associations: page.items.map(applicationAssociation), NextToken: next(scope, page.nextAfter) };
}

export function describeApplications(ctx: CallContext, body: Record<string, unknown>): unknown {
  const ids = optionalStrings(body, 'ApplicationIds', { min: 1, max: 25, pattern: APPLICATION_ID });
  const computes = optionalStrings(body, 'ComputeTypeNames', { min: 0, oneOf: COMPUTE_TYPES });
  const oses = optionalStrings(body, 'OperatingSystemNames', { min: 0, oneOf: OPERATING_SYSTEMS });
  const license = optionalString(body, 'LicenseType', /^(LICENSED|UNLICENSED)$/);
  const owner = optionalString(body, 'Owner', OWNER);
  const limit = optionalInt(body, 'MaxResults', 1, 25) ?? 25;
  const scope = `DescribeApplications|${JSON.stringify([ids, computes, oses, license, owner])}`;
  const after = cursor(body, scope);
  // Unknown ids are left out, not an error, like the other Describe* calls: a caller must check what it got.
  const page = pageOf(ctx.state.workspaces.applicationsIndex, {
    after,
    limit,
    match: (a) =>
      !ctx.faults.unlistedApplications.includes(a.id) &&
      (ids === undefined || ids.includes(a.id)) &&
      (license === undefined || a.licenseType === license) &&
      (owner === undefined || a.owner === owner) &&
      (oses === undefined || oses.length === 0 || oses.some((o) => a.operatingSystems.includes(o))) &&
      (computes === undefined || computes.length === 0 || a.computeTypes.length === 0 || computes.some((c) => a.computeTypes.includes(c))),
  });
  return {
    Applications: page.items.map((a) => ({
      ApplicationId: a.id, Created: epochSeconds(a.created), Description: a.description, LicenseType: a.licenseType, Name: a.name,
      Owner: a.owner, State: a.state,
      SupportedComputeTypeNames: a.computeTypes.length > 0 ? a.computeTypes : [...COMPUTE_TYPES],
      SupportedOperatingSystemNames: a.operatingSystems,
    })),
    NextToken: next(scope, page.nextAfter),
  };
}

/**
 * "You can specify only one filter at a time": WorkspaceIds alone, or DirectoryId (optionally with
 * UserName, which needs it), or BundleId alone, or WorkspaceName alone; any other combination is
 * InvalidParameterValuesException. Limit 1..25 (default 25) applies to every filter.
 */
export function describeWorkspaces(ctx: CallContext, body: Record<string, unknown>): unknown {
  const ids = optionalStrings(body, 'WorkspaceIds', { min: 1, max: 25, pattern: WORKSPACE_ID });
  const directoryId = optionalString(body, 'DirectoryId', DIRECTORY_ID);
  const userName = optionalString(body, 'UserName');
  const bundleId = optionalString(body, 'BundleId', BUNDLE_ID);
  const name = optionalString(body, 'WorkspaceName', WORKSPACE_NAME);
  const limit = optionalInt(body, 'Limit', 1, 25) ?? 25;
  if (directoryId !== undefined && (directoryId.length < 10 || directoryId.length > 65)) throw invalid('DirectoryId must be 10 to 65 characters.');
  const given = Object.entries({ WorkspaceIds: ids, DirectoryId: directoryId, BundleId: bundleId, WorkspaceName: name }).filter(([, f]) => f !== undefined).map(([k]) => k);
  if (given.length > 1) throw invalid(`You can specify only one filter at a time; got ${given.join(', ')}.`);
  if (userName !== undefined && directoryId === undefined) throw invalid('UserName requires DirectoryId.');
  if (userName !== undefined && (userName.length < 1 || userName.length > 63)) throw invalid('UserName must be 1 to 63 characters.');
  const scope = `DescribeWorkspaces|${JSON.stringify([ids, directoryId, userName, bundleId, name])}`;
  const after = cursor(body, scope);
  const region = ctx.state.workspaces;
  // WorkspaceIds: only the ones that exist are returned (unknown ids are omitted, as at AWS).
  const index = ids === undefined ? region.workspacesIndex : SortedIndex.from(ids.flatMap((id) => {
    const ws = region.workspaces.get(id);
    return ws === undefined ? [] : [[id, ws] as [string, WorkSpace]];
  }));
  const page = pageOf(index, {
    after,
    limit,
    match: (w) =>
      (directoryId === undefined || w.directoryId === directoryId) &&
      (userName === undefined || w.userName.toLowerCase() === userName.toLowerCase()) &&
      (bundleId === undefined || w.bundleId === bundleId) &&
      // Sandbox WorkSpaces are all user-assigned: none has a WorkspaceName, so that filter matches nothing.
      name === undefined,
  });
  return { Workspaces: page.items.map(workspace), NextToken: next(scope, page.nextAfter) };
}

function workspace(w: WorkSpace): Record<string, unknown> {
  return {
    WorkspaceId: w.id, DirectoryId: w.directoryId, UserName: w.userName, IpAddress: w.ipAddress, State: w.state,
    BundleId: w.bundleId, ComputerName: w.computerName,
    WorkspaceProperties: { RunningMode: w.runningMode, ComputeTypeName: w.computeType, OperatingSystemName: w.operatingSystem, Protocols: ['WSP'] },
  };
}

/**
 * DescribeTags of a WorkSpace. AWS also tags directories, images, bundles, IP groups and connection
 * aliases; the sandbox has tags only on WorkSpaces, so any other id is ResourceNotFoundException (a
 * caller that passes a directory id where it meant a WorkSpace id is caught, not answered with []).
 */
export function describeTags(ctx: CallContext, body: Record<string, unknown>): unknown {
  const id = requiredString(body, 'ResourceId');
  if (id.length < 1) throw invalid('ResourceId must not be empty.');
  const ws = ctx.state.workspaces.workspaces.get(id);
  if (ws === undefined) throw workspacesError('ResourceNotFoundException', `The resource ${id} could not be found.`, { ResourceId: id });
  return { TagList: Object.entries(ws.tags).map(([Key, Value]) => ({ Key, Value })) };
}
