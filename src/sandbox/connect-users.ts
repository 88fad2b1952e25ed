/**
 * SearchUsers and DescribeUser: what the names-and-selectors resolution reads about users. SearchUsers
 * pages by cursor over the users sorted by id; its tokens are bound to the instance, criteria and
 * filter, so a token from one query is refused for another.
 */
import type { ConnectInstance, ConnectUser } from './connect-state.js';
import { epochSeconds, type CallContext } from './context.js';
import { connectError } from './errors.js';
import { pageOf } from './sorted.js';
import { decodeToken, encodeToken, tokenIssuedAt } from './tokens.js';
import { compileCriteria, compileFilter, type UserPredicate } from './user-search.js';

const bad = (msg: string) => connectError('InvalidParameterException', msg);

/**
 * Without MaxResults a page holds 100 users. AWS does not document the default; one below the
 * maximum (500) makes a caller that forgets to paginate fail on an instance of a few hundred users.
 */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

/** The same value with object keys sorted, so the token scope does not depend on member order. */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) =>
    typeof x === 'object' && x !== null && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined && y !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

function total(inst: ConnectInstance, scope: string, match: UserPredicate): number {
  let n = inst.userCounts.get(scope);
  if (n === undefined) {
    n = 0;
    for (const u of inst.users.values()) if (match(u)) n++;
    // Bounded: a long benchmark of distinct queries must not grow it without end.
    if (inst.userCounts.size >= 1000) inst.userCounts.clear();
    inst.userCounts.set(scope, n);
  }
  return n;
}

export function searchUsers(ctx: CallContext, body: Record<string, unknown>, instanceOf: (id: string) => ConnectInstance): unknown {
  const { InstanceId, MaxResults, NextToken, SearchCriteria, SearchFilter } = body;
  if (InstanceId === undefined || InstanceId === null) throw bad('InstanceId is required.');
  if (typeof InstanceId !== 'string') throw connectError('InvalidRequestException', 'InstanceId must be a string.');
  const limit = MaxResults ?? DEFAULT_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw bad(`MaxResults must be between 1 and ${MAX_PAGE}, got ${JSON.stringify(MaxResults)}.`);
  if (NextToken !== undefined && NextToken !== null && (typeof NextToken !== 'string' || NextToken.length < 1 || NextToken.length > 2500)) {
    throw bad('NextToken must be 1 to 2500 characters.');
  }
  const inst = instanceOf(InstanceId);
  const filter = SearchFilter === undefined || SearchFilter === null ? undefined : compileFilter(SearchFilter, 'SearchFilter', inst);
  const criteria = SearchCriteria === undefined || SearchCriteria === null ? undefined : compileCriteria(SearchCriteria, 'SearchCriteria', inst);
  const match: UserPredicate = (u) => (criteria === undefined || criteria(u)) && (filter === undefined || filter(u));
  const scope = `SearchUsers|${inst.id}|${canonical(SearchCriteria)}|${canonical(SearchFilter)}`;
  let after: string | undefined;
  if (typeof NextToken === 'string') {
    after = decodeToken(scope, NextToken);
    if (after === undefined) throw bad('The NextToken is not valid for this request.');
    // AWS documents no lifetime for page tokens; an old one is refused like a bad one.
    if (ctx.faults.tokenExpired('SearchUsers', tokenIssuedAt(NextToken), ctx.now())) throw bad('The NextToken has expired.');
  }
  const page = pageOf(inst.usersIndex, { after, limit, match });
  return {
    Users: page.items.map((u) => userFields(u)),
    NextToken: page.nextAfter === undefined ? undefined : encodeToken(scope, page.nextAfter, ctx.now()),
    ApproximateTotalCount: total(inst, scope, match),
  };
}

/** DescribeUser (GET /users/{InstanceId}/{UserId}). */
export function describeUser(ctx: CallContext, inst: ConnectInstance, userId: string): unknown {
  if (userId.length === 0) throw bad('UserId is required.');
  const u = inst.users.get(userId);
  if (u === undefined) throw connectError('ResourceNotFoundException', `User not found: ${userId}`);
  return { User: { ...userFields(u), LastModifiedTime: epochSeconds(u.lastModified), LastModifiedRegion: ctx.region } };
}

/** The members UserSearchSummary and User share. Absent values are omitted, as AWS omits them (a TagMap has ≥ 1 entry). */
function userFields(u: ConnectUser): Record<string, unknown> {
  return {
    Id: u.id,
    Arn: u.arn,
    Username: u.name,
    RoutingProfileId: u.routingProfileId,
    HierarchyGroupId: u.hierarchyGroupId,
    Tags: Object.keys(u.tags).length > 0 ? { ...u.tags } : undefined,
  };
}
