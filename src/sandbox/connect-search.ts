/**
 * SearchWorkspaceAssociations: a cursor over the instance's sorted association index
 * (key = workspaceId NUL resourceArn), filtered by SearchCriteria.
 */
import type { ConnectInstance, LagOverlay, WorkspaceAssociation } from './connect-state.js';
import type { CallContext } from './context.js';
import { connectError } from './errors.js';
import { decodeToken, encodeToken, tokenIssuedAt } from './tokens.js';

type Predicate = (a: WorkspaceAssociation) => boolean;

/** FieldName values accepted (aws-api.md §2.3: "workspace ID, resource ID, or resource type"; an assumption). */
const FIELDS: Record<string, (a: WorkspaceAssociation) => string> = {
  WorkspaceId: (a) => a.workspace.id,
  ResourceId: (a) => a.resource.id,
  ResourceType: (a) => a.resource.type,
};

const bad = (msg: string) => connectError('InvalidParameterException', msg);

/**
 * Compiles SearchCriteria. Exactly one of StringCondition / AndConditions / OrConditions per level
 * (stricter than accepting a mix whose meaning AWS does not document); `{}` matches everything.
 */
function compile(c: unknown, path: string): Predicate {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw connectError('InvalidRequestException', `${path} must be an object.`);
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined && o[k] !== null);
  for (const k of keys) if (!['StringCondition', 'AndConditions', 'OrConditions'].includes(k)) throw bad(`${path}.${k} is not supported.`);
  if (keys.length === 0) return () => true;
  if (keys.length > 1) throw bad(`${path}: specify only one of StringCondition, AndConditions, OrConditions.`);
  const k = keys[0];
  if (k === 'StringCondition') return stringCondition(o.StringCondition, `${path}.StringCondition`);
  const list = o[k];
  if (!Array.isArray(list) || list.length === 0) throw bad(`${path}.${k} must be a non-empty list.`);
  const preds = list.map((x, i) => compile(x, `${path}.${k}[${i}]`));
  return k === 'AndConditions' ? (a) => preds.every((p) => p(a)) : (a) => preds.some((p) => p(a));
}

function stringCondition(v: unknown, path: string): Predicate {
  if (typeof v !== 'object' || v === null) throw connectError('InvalidRequestException', `${path} must be an object.`);
  const { FieldName, Value, ComparisonType } = v as Record<string, unknown>;
  if (typeof FieldName !== 'string' || !Object.hasOwn(FIELDS, FieldName)) throw bad(`${path}.FieldName ${JSON.stringify(FieldName)} is not valid; use one of ${Object.keys(FIELDS).join(', ')}.`);
  if (typeof Value !== 'string' || Value.length === 0) throw bad(`${path}.Value is required.`);
  const get = FIELDS[FieldName];
  switch (ComparisonType) {
    case 'EXACT':
      return (a) => get(a) === Value;
    case 'STARTS_WITH':
      return (a) => get(a).startsWith(Value);
    case 'CONTAINS':
      return (a) => get(a).includes(Value);
    default:
      throw bad(`${path}.ComparisonType must be EXACT, STARTS_WITH or CONTAINS.`);
  }
}

/** The workspace a criteria pins with WorkspaceId EXACT (at the top or inside AndConditions), to scan only its range. */
function pinnedWorkspace(c: unknown): string | undefined {
  if (typeof c !== 'object' || c === null) return undefined;
  const o = c as { StringCondition?: Record<string, unknown>; AndConditions?: unknown[] };
  const s = o.StringCondition;
  if (s !== undefined && s.FieldName === 'WorkspaceId' && s.ComparisonType === 'EXACT' && typeof s.Value === 'string') return s.Value;
  if (Array.isArray(o.AndConditions)) for (const x of o.AndConditions) {
    const w = pinnedWorkspace(x);
    if (w !== undefined) return w;
  }
  return undefined;
}

export function searchWorkspaceAssociations(ctx: CallContext, body: Record<string, unknown>, instanceOf: (id: string) => ConnectInstance): unknown {
  const { InstanceId, MaxResults, NextToken, SearchCriteria, SearchFilter } = body;
  if (InstanceId === undefined) throw bad('InstanceId is required.');
  if (typeof InstanceId !== 'string') throw connectError('InvalidRequestException', 'InstanceId must be a string.');
  const limit = MaxResults === undefined ? 100 : MaxResults;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 500) throw bad(`MaxResults must be between 1 and 500, got ${JSON.stringify(MaxResults)}.`);
  // Tag filters on associations have no documented meaning; refusing is honest, ignoring would pretend.
  if (SearchFilter !== undefined) throw bad('SearchFilter is not supported by the sandbox.');
  const inst = instanceOf(InstanceId);
  // AWS does not document which FieldName values it accepts (aws-api.md §2.3): the seed decides
  // whether the criteria are honoured, refused, or silently ignored (the whole instance answered).
  const mode = SearchCriteria === undefined ? 'honour' : ctx.faults.searchCriteria;
  if (mode === 'reject') throw bad('SearchCriteria is not valid for this request.');
  const criteria = mode === 'ignore' ? undefined : SearchCriteria;
  const match = criteria === undefined ? undefined : compile(criteria, 'SearchCriteria');
  const criteriaKey = JSON.stringify(criteria ?? null);
  const scope = `SearchWorkspaceAssociations|${inst.id}|${JSON.stringify(SearchCriteria ?? null)}`;
  let after: string | undefined;
  if (NextToken !== undefined) {
    if (typeof NextToken !== 'string' || NextToken.length < 1 || NextToken.length > 2500) throw bad('NextToken must be 1 to 2500 characters.');
    after = decodeToken(scope, NextToken);
    if (after === undefined) throw bad('The NextToken is not valid for this request.');
    // AWS documents no lifetime for page tokens; an old one is refused like a bad one.
    if (ctx.faults.tokenExpired('SearchWorkspaceAssociations', tokenIssuedAt(NextToken), ctx.now())) throw bad('The NextToken has expired.');
  }
  const pinned = pinnedWorkspace(criteria);
  // AWS may answer fewer items than asked for; the client must follow NextToken.
  const pageLimit = ctx.faults.maxPageItems > 0 ? Math.min(limit, ctx.faults.maxPageItems) : limit;
  const overlay = inst.lagOverlay({ now: ctx.now(), lagMs: ctx.faults.searchLagMs });
  const items: WorkspaceAssociation[] = [];
  let lastKey: string | undefined;
  let more = false;
  for (const [key, a] of associations(inst, after, pinned, overlay)) {
    if (match !== undefined && !match(a)) continue;
    if (items.length === pageLimit) {
      more = true;
      break;
    }
    items.push(a);
    lastKey = key;
  }
  return {
    WorkspaceAssociations: items.map((a) => ({
      WorkspaceId: a.workspace.id,
      WorkspaceArn: a.workspace.arn,
      ResourceId: a.resource.id,
      ResourceArn: a.resource.arn,
      ResourceType: a.resource.type,
      ResourceName: a.resource.name,
    })),
    ApproximateTotalCount: overlay === undefined ? count(inst, criteriaKey, match, pinned) : laggedCount(inst, overlay, match, pinned),
    NextToken: more && lastKey !== undefined ? encodeToken(scope, lastKey, ctx.now()) : undefined,
  };
}

/**
 * The associations a lagging search sees, after the cursor: the present without what was made
 * within the lag, plus what was removed within it, in key order.
 */
function* associations(inst: ConnectInstance, after: string | undefined, pinned: string | undefined, overlay: LagOverlay | undefined): Generator<[string, WorkspaceAssociation]> {
  if (overlay === undefined) {
    yield* inst.associationsAfter(after, pinned);
    return;
  }
  const seen = new Map<string, WorkspaceAssociation>();
  for (const [k, a] of inst.associationsAfter(undefined, pinned)) if (!overlay.hidden.has(k)) seen.set(k, a);
  for (const [k, a] of overlay.shown) if (pinned === undefined || a.workspace.id === pinned) seen.set(k, a);
  for (const k of [...seen.keys()].sort()) if (after === undefined || k > after) yield [k, seen.get(k)!];
}

function laggedCount(inst: ConnectInstance, overlay: LagOverlay, match: Predicate | undefined, pinned: string | undefined): number {
  let n = 0;
  for (const [, a] of associations(inst, undefined, pinned, overlay)) if (match === undefined || match(a)) n++;
  return n;
}

/** Total matches, cached per criteria until the instance's associations change. */
function count(inst: ConnectInstance, key: string, match: Predicate | undefined, pinned: string | undefined): number {
  const cached = inst.countCache.get(key);
  if (cached !== undefined) return cached;
  if (match === undefined) {
    let total = 0;
    for (const w of inst.workspaces.values()) if (pinned === undefined || w.id === pinned) total += w.associated.size;
    return total;
  }
  let n = 0;
  for (const [, a] of inst.associationsAfter(undefined, pinned)) if (match === undefined || match(a)) n++;
  inst.countCache.set(key, n);
  return n;
}
