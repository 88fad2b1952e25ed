/**
 * Amazon Connect (restJson1): routing by method + path and the operations the reconciler uses.
 * Unknown ids → ResourceNotFoundException; constraint violations → InvalidParameterException; a body
 * of the wrong shape → InvalidRequestException.
 */
import type { ConnectInstance, ConnectResource, ConnectWorkspace } from './connect-state.js';
import { epochSeconds, type CallContext } from './context.js';
import { connectError } from './errors.js';
import { searchWorkspaceAssociations } from './connect-search.js';
import { describeUser, searchUsers } from './connect-users.js';
import { pageOf, type SortedIndex } from './sorted.js';
import { decodeToken, encodeToken } from './tokens.js';

export type ConnectOperation =
  | 'AssociateWorkspace'
  | 'DisassociateWorkspace'
  | 'SearchWorkspaceAssociations'
  | 'ListWorkspaces'
  | 'DescribeWorkspace'
  | 'ListUsers'
  | 'ListRoutingProfiles'
  | 'SearchUsers'
  | 'DescribeUser';

export interface ConnectRoute {
  operation: ConnectOperation;
  labels: string[];
}

/** Segments are URL-decoded one by one, so an id containing `/` (sent as %2F) stays one label. */
export function routeConnect(method: string, segments: string[]): ConnectRoute | undefined {
  const [head, a, b, c] = segments;
  const n = segments.length;
  if (method === 'POST' && head === 'workspaces' && n === 4 && c === 'associate') return { operation: 'AssociateWorkspace', labels: [a, b] };
  if (method === 'POST' && head === 'workspaces' && n === 4 && c === 'disassociate') return { operation: 'DisassociateWorkspace', labels: [a, b] };
  if (method === 'POST' && head === 'search-workspace-associations' && n === 1) return { operation: 'SearchWorkspaceAssociations', labels: [] };
  if (method === 'GET' && head === 'workspaces' && n === 2) return { operation: 'ListWorkspaces', labels: [a] };
  if (method === 'GET' && head === 'workspaces' && n === 3) return { operation: 'DescribeWorkspace', labels: [a, b] };
  if (method === 'GET' && head === 'users-summary' && n === 2) return { operation: 'ListUsers', labels: [a] };
  if (method === 'GET' && head === 'routing-profiles-summary' && n === 2) return { operation: 'ListRoutingProfiles', labels: [a] };
  if (method === 'POST' && head === 'search-users' && n === 1) return { operation: 'SearchUsers', labels: [] };
  if (method === 'GET' && head === 'users' && n === 3) return { operation: 'DescribeUser', labels: [a, b] };
  return undefined;
}

export function handleConnect(route: ConnectRoute, ctx: CallContext, query: URLSearchParams, body: Record<string, unknown>): unknown {
  switch (route.operation) {
    case 'AssociateWorkspace':
    case 'DisassociateWorkspace':
      return batch(route.operation, ctx, route.labels, body);
    case 'SearchWorkspaceAssociations':
      return searchWorkspaceAssociations(ctx, body, (id) => instance(ctx, id));
    case 'ListWorkspaces': {
      const inst = instance(ctx, route.labels[0]);
      const page = listPage(inst.workspacesIndex, query, 100, `ListWorkspaces|${inst.id}`);
      return {
        WorkspaceSummaryList: page.items.map((w) => ({ Id: w.id, Name: w.name, Arn: w.arn, LastModifiedTime: epochSeconds(w.lastModified), LastModifiedRegion: ctx.region })),
        NextToken: page.token,
      };
    }
    case 'DescribeWorkspace': {
      const inst = instance(ctx, route.labels[0]);
      const w = workspace(inst, route.labels[1]);
      return {
        Workspace: {
          Id: w.id, Name: w.name, Arn: w.arn, LastModifiedTime: epochSeconds(w.lastModified), LastModifiedRegion: ctx.region,
          Visibility: w.visibility, Description: w.description, Title: w.title,
        },
      };
    }
    case 'ListUsers': {
      const inst = instance(ctx, route.labels[0]);
      const page = listPage(inst.usersIndex, query, 1000, `ListUsers|${inst.id}`);
      return { UserSummaryList: page.items.map((u) => summary(u, ctx, 'Username')), NextToken: page.token };
    }
    case 'ListRoutingProfiles': {
      const inst = instance(ctx, route.labels[0]);
      const page = listPage(inst.routingProfilesIndex, query, 1000, `ListRoutingProfiles|${inst.id}`);
      return { RoutingProfileSummaryList: page.items.map((r) => summary(r, ctx, 'Name')), NextToken: page.token };
    }
    case 'SearchUsers':
      return searchUsers(ctx, body, (id) => instance(ctx, id));
    case 'DescribeUser':
      return describeUser(ctx, instance(ctx, route.labels[0]), route.labels[1]);
  }
}

function summary(r: ConnectResource, ctx: CallContext, nameKey: 'Username' | 'Name'): Record<string, unknown> {
  return { Id: r.id, Arn: r.arn, [nameKey]: r.name, LastModifiedTime: epochSeconds(r.lastModified), LastModifiedRegion: ctx.region };
}

export function instance(ctx: CallContext, id: string | undefined): ConnectInstance {
  if (id === undefined || id.length < 1 || id.length > 100) throw connectError('InvalidParameterException', 'InstanceId must be 1 to 100 characters.');
  const inst = ctx.state.connect.get(id);
  if (inst === undefined) throw connectError('ResourceNotFoundException', `Instance not found: ${id}`);
  return inst;
}

function workspace(inst: ConnectInstance, id: string): ConnectWorkspace {
  if (id.length < 1 || id.length > 256) throw connectError('InvalidParameterException', 'WorkspaceId must be 1 to 256 characters.');
  const w = inst.workspaces.get(id);
  if (w === undefined) throw connectError('ResourceNotFoundException', `Workspace not found: ${id}`);
  return w;
}

/**
 * Query `maxResults` (1..max) and `nextToken`. Without maxResults a page holds 100 items (AWS does not
 * document the default; a page smaller than the maximum makes a caller that forgets to paginate fail).
 */
function listPage<T>(index: SortedIndex<T>, query: URLSearchParams, max: number, scope: string): { items: T[]; token?: string } {
  const raw = query.get('maxResults');
  let limit = Math.min(100, max);
  if (raw !== null) {
    limit = Number(raw);
    if (!/^\d+$/.test(raw) || limit < 1 || limit > max) throw connectError('InvalidParameterException', `maxResults must be between 1 and ${max}, got ${raw}.`);
  }
  const token = query.get('nextToken');
  let after: string | undefined;
  if (token !== null) {
    after = decodeToken(scope, token);
    if (after === undefined) throw connectError('InvalidParameterException', 'The nextToken is not valid.');
  }
  const page = pageOf(index, { after, limit });
  return { items: page.items, token: page.nextAfter === undefined ? undefined : encodeToken(scope, page.nextAfter) };
}

/**
 * AssociateWorkspace / DisassociateWorkspace. Per ARN: malformed or of another instance → "400";
 * unknown user / routing profile → "404"; associate of an associated ARN → "409"; disassociate of an
 * ARN not associated → "404". A repeated ARN within one call is processed in order, so its second
 * occurrence fails like a second call would (409 / 404): the stricter plausible behaviour.
 */
function batch(op: 'AssociateWorkspace' | 'DisassociateWorkspace', ctx: CallContext, labels: string[], body: Record<string, unknown>): unknown {
  // Model constraints first, as AWS's front end checks them: 26 ARNs for an unknown instance are
  // an InvalidParameterException, not a ResourceNotFoundException.
  const arns = body.ResourceArns;
  if (arns === undefined) throw connectError('InvalidParameterException', 'ResourceArns is required.');
  if (!Array.isArray(arns) || arns.some((a) => typeof a !== 'string')) throw connectError('InvalidRequestException', 'ResourceArns must be a list of strings.');
  if (arns.length < 1 || arns.length > 25) throw connectError('InvalidParameterException', `ResourceArns must contain 1 to 25 items, got ${arns.length}.`);
  if (labels[1] !== undefined && (labels[1].length < 1 || labels[1].length > 256)) throw connectError('InvalidParameterException', 'WorkspaceId must be 1 to 256 characters.');
  const inst = instance(ctx, labels[0]);
  const ws = workspace(inst, labels[1]);
  const lag = { now: ctx.now(), lagMs: ctx.faults.searchLagMs };
  const SuccessfulList: { ResourceArn: string }[] = [];
  const FailedList: { ResourceArn: string; ErrorCode: string; ErrorMessage: string }[] = [];
  for (const arn of arns as string[]) {
    const scripted = ctx.faults.failedListCode(op, arn);
    if (scripted !== undefined) {
      FailedList.push({ ResourceArn: arn, ErrorCode: scripted.code, ErrorMessage: scripted.message ?? `Injected failure ${scripted.code}` });
      continue;
    }
    const r = inst.resolveArn(arn);
    if (r === 'malformed') {
      FailedList.push({ ResourceArn: arn, ErrorCode: '400', ErrorMessage: `Not a user or routing profile ARN of instance ${inst.id}.` });
    } else if (r === 'unknown') {
      FailedList.push({ ResourceArn: arn, ErrorCode: '404', ErrorMessage: 'Resource not found.' });
    } else if (op === 'AssociateWorkspace') {
      if (ws.associated.has(arn)) FailedList.push({ ResourceArn: arn, ErrorCode: '409', ErrorMessage: 'Resource is already associated with the workspace.' });
      else {
        inst.associate(ws, r, lag);
        SuccessfulList.push({ ResourceArn: arn });
      }
    } else if (!ws.associated.has(arn)) {
      FailedList.push({ ResourceArn: arn, ErrorCode: '404', ErrorMessage: 'Resource is not associated with the workspace.' });
    } else {
      inst.disassociate(ws, arn, lag);
      SuccessfulList.push({ ResourceArn: arn });
    }
  }
  return { SuccessfulList, FailedList };
}
