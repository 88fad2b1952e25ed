/**
 * SearchUsers' SearchCriteria and SearchFilter, compiled to predicates over the instance's users.
 * Shapes follow the Connect model (UserSearchCriteria, UserSearchFilter, ControlPlaneTagFilter,
 * ControlPlaneUserAttributeFilter). Where AWS leaves a meaning undocumented the sandbox refuses rather
 * than guesses (InvalidParameterException naming the member), so a client cannot come to rely on a
 * reading that AWS may not share:
 * - one member per criteria / filter node ("Only one field can be populated" is documented for
 *   UserAttributeFilter; the sandbox applies it to every node);
 * - an empty node (`{}`) or empty list anywhere below the top of SearchCriteria;
 * - a TagCondition without TagKey or TagValue, a HierarchyGroupCondition without Value or
 *   HierarchyGroupMatchType;
 * - StringCondition fields the sandbox does not model (FirstName, LastName, SecurityProfileId) and the
 *   proficiency ListCondition.
 * Wrong JSON types are InvalidRequestException, like the sandbox's other Connect operations.
 */
import type { ConnectInstance, ConnectUser } from './connect-state.js';
import { connectError, type ApiError } from './errors.js';

export type UserPredicate = (u: ConnectUser) => boolean;

const bad = (msg: string): ApiError => connectError('InvalidParameterException', msg);
const shape = (msg: string): ApiError => connectError('InvalidRequestException', msg);

/** StringCondition FieldName values the sandbox evaluates (documented: aws-api.md §2.7). */
const FIELDS: Record<string, (u: ConnectUser) => string | undefined> = {
  Username: (u) => u.name,
  RoutingProfileId: (u) => u.routingProfileId,
  resourceId: (u) => u.id,
};
/** Documented by AWS, but sandbox users have no names or security profiles: refused, never ignored. */
const UNMODELLED_FIELDS = ['FirstName', 'LastName', 'SecurityProfileId'];

/** UserAttributeFilter limits (documented: "Maximum number of allowed Tag conditions is 25 … Hierarchy Group conditions is 20"). */
const MAX_ATTRIBUTE_TAG_CONDITIONS = 25;
const MAX_ATTRIBUTE_GROUP_CONDITIONS = 20;

const present = (v: unknown): boolean => v !== undefined && v !== null;

function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw shape(`${path} must be an object.`);
  return v as Record<string, unknown>;
}

/** The one member set among `allowed` (unknown members refused), or undefined when none is. */
function onlyOne(o: Record<string, unknown>, path: string, allowed: readonly string[]): [string, unknown] | undefined {
  const keys = Object.keys(o).filter((k) => present(o[k]));
  for (const k of keys) if (!allowed.includes(k)) throw bad(`${path}.${k} is not a member of ${path}.`);
  if (keys.length > 1) throw bad(`${path}: specify only one of ${allowed.join(', ')}; got ${keys.join(', ')}.`);
  return keys.length === 0 ? undefined : [keys[0], o[keys[0]]];
}

function only(o: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (present(o[k]) && !allowed.includes(k)) throw bad(`${path}.${k} is not a member of ${path}.`);
}

function nonEmptyList(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw shape(`${path} must be a list.`);
  if (v.length === 0) throw bad(`${path} must not be empty.`);
  return v;
}

function requiredString(v: unknown, path: string, allowEmpty = false): string {
  if (!present(v)) throw bad(`${path} is required.`);
  if (typeof v !== 'string') throw shape(`${path} must be a string.`);
  if (!allowEmpty && v.length === 0) throw bad(`${path} must not be empty.`);
  return v;
}

const all = (ps: UserPredicate[]): UserPredicate => (u) => ps.every((p) => p(u));
const any = (ps: UserPredicate[]): UserPredicate => (u) => ps.some((p) => p(u));

/** SearchCriteria. `{}` at the top matches every user; an empty node below it is refused. */
export function compileCriteria(v: unknown, path: string, inst: ConnectInstance, top = true): UserPredicate {
  const o = object(v, path);
  const one = onlyOne(o, path, ['OrConditions', 'AndConditions', 'StringCondition', 'ListCondition', 'HierarchyGroupCondition']);
  if (one === undefined) {
    if (top) return () => true;
    throw bad(`${path} is empty: give one of OrConditions, AndConditions, StringCondition, HierarchyGroupCondition.`);
  }
  const [k, x] = one;
  const at = `${path}.${k}`;
  switch (k) {
    case 'StringCondition':
      return stringCondition(x, at);
    case 'HierarchyGroupCondition':
      return hierarchyGroupCondition(x, at, inst);
    case 'ListCondition':
      throw bad(`${at} (proficiencies) is not supported by the sandbox: its users have no proficiencies.`);
    default: {
      const ps = nonEmptyList(x, at).map((c, i) => compileCriteria(c, `${at}[${i}]`, inst, false));
      return k === 'AndConditions' ? all(ps) : any(ps);
    }
  }
}

function stringCondition(v: unknown, path: string): UserPredicate {
  const o = object(v, path);
  only(o, path, ['FieldName', 'Value', 'ComparisonType']);
  const field = requiredString(o.FieldName, `${path}.FieldName`);
  if (UNMODELLED_FIELDS.includes(field)) {
    throw bad(`${path}.FieldName ${field} is not supported by the sandbox (it models only ${Object.keys(FIELDS).join(', ')}).`);
  }
  if (!Object.hasOwn(FIELDS, field)) {
    throw bad(`${path}.FieldName ${JSON.stringify(field)} is not valid; use one of ${[...Object.keys(FIELDS), ...UNMODELLED_FIELDS].join(', ')}.`);
  }
  const value = requiredString(o.Value, `${path}.Value`);
  const get = FIELDS[field];
  const has = (u: ConnectUser, test: (s: string) => boolean): boolean => {
    const s = get(u);
    return s !== undefined && test(s);
  };
  switch (o.ComparisonType) {
    case 'EXACT':
      return (u) => has(u, (s) => s === value);
    case 'STARTS_WITH':
      return (u) => has(u, (s) => s.startsWith(value));
    case 'CONTAINS':
      return (u) => has(u, (s) => s.includes(value));
    default:
      throw bad(`${path}.ComparisonType must be EXACT, STARTS_WITH or CONTAINS, got ${JSON.stringify(o.ComparisonType ?? null)}.`);
  }
}

/** An id that is no hierarchy group of the instance matches nobody (a search, not a lookup). */
function hierarchyGroupCondition(v: unknown, path: string, inst: ConnectInstance): UserPredicate {
  const o = object(v, path);
  only(o, path, ['Value', 'HierarchyGroupMatchType']);
  const id = requiredString(o.Value, `${path}.Value`);
  const type = o.HierarchyGroupMatchType;
  if (type !== 'EXACT' && type !== 'WITH_CHILD_GROUPS') {
    throw bad(`${path}.HierarchyGroupMatchType must be EXACT or WITH_CHILD_GROUPS, got ${JSON.stringify(type ?? null)}.`);
  }
  return (u) => inst.inHierarchyGroup(u, id, type === 'WITH_CHILD_GROUPS');
}

/** A user carries the tag with exactly this value (tags are case-sensitive; a value may be ""). */
function tagCondition(v: unknown, path: string): UserPredicate {
  const o = object(v, path);
  only(o, path, ['TagKey', 'TagValue']);
  const key = requiredString(o.TagKey, `${path}.TagKey`);
  const value = requiredString(o.TagValue, `${path}.TagValue`, true);
  return (u) => Object.hasOwn(u.tags, key) && u.tags[key] === value;
}

function tagConditions(v: unknown, path: string): UserPredicate[] {
  return nonEmptyList(v, path).map((c, i) => tagCondition(c, `${path}[${i}]`));
}

/**
 * SearchFilter. TagFilter and UserAttributeFilter together are refused with AccessDeniedException, as
 * the model documents; `{}` filters nothing.
 */
export function compileFilter(v: unknown, path: string, inst: ConnectInstance): UserPredicate | undefined {
  const o = object(v, path);
  only(o, path, ['TagFilter', 'UserAttributeFilter']);
  if (present(o.TagFilter) && present(o.UserAttributeFilter)) {
    throw connectError('AccessDeniedException', 'A SearchFilter can contain TagFilter or UserAttributeFilter, not both.');
  }
  if (present(o.TagFilter)) return tagFilter(o.TagFilter, `${path}.TagFilter`);
  if (present(o.UserAttributeFilter)) return attributeFilter(o.UserAttributeFilter, `${path}.UserAttributeFilter`, inst);
  return undefined;
}

/** ControlPlaneTagFilter: OrConditions (an OR of ANDs), AndConditions, or one TagCondition. */
function tagFilter(v: unknown, path: string): UserPredicate {
  const o = object(v, path);
  const one = onlyOne(o, path, ['OrConditions', 'AndConditions', 'TagCondition']);
  if (one === undefined) throw bad(`${path} is empty: give one of OrConditions, AndConditions, TagCondition.`);
  const [k, x] = one;
  const at = `${path}.${k}`;
  if (k === 'TagCondition') return tagCondition(x, at);
  if (k === 'AndConditions') return all(tagConditions(x, at));
  return any(nonEmptyList(x, at).map((inner, i) => all(tagConditions(inner, `${at}[${i}]`))));
}

/** ControlPlaneUserAttributeFilter: OrConditions, AndCondition, TagCondition or HierarchyGroupCondition. */
function attributeFilter(v: unknown, path: string, inst: ConnectInstance): UserPredicate {
  const o = object(v, path);
  const one = onlyOne(o, path, ['OrConditions', 'AndCondition', 'TagCondition', 'HierarchyGroupCondition']);
  if (one === undefined) throw bad(`${path} is empty: give one of OrConditions, AndCondition, TagCondition, HierarchyGroupCondition.`);
  const counts = { tags: 0, groups: 0 };
  const [k, x] = one;
  const at = `${path}.${k}`;
  let p: UserPredicate;
  if (k === 'TagCondition') {
    counts.tags++;
    p = tagCondition(x, at);
  } else if (k === 'HierarchyGroupCondition') {
    counts.groups++;
    p = hierarchyGroupCondition(x, at, inst);
  } else if (k === 'AndCondition') {
    p = attributeAnd(x, at, inst, counts);
  } else {
    p = any(nonEmptyList(x, at).map((c, i) => attributeAnd(c, `${at}[${i}]`, inst, counts)));
  }
  if (counts.tags > MAX_ATTRIBUTE_TAG_CONDITIONS) throw bad(`${path} has ${counts.tags} tag conditions; at most ${MAX_ATTRIBUTE_TAG_CONDITIONS} are allowed.`);
  if (counts.groups > MAX_ATTRIBUTE_GROUP_CONDITIONS) throw bad(`${path} has ${counts.groups} hierarchy group conditions; at most ${MAX_ATTRIBUTE_GROUP_CONDITIONS} are allowed.`);
  return p;
}

/** AttributeAndCondition: TagConditions and/or a HierarchyGroupCondition, all of which must hold. */
function attributeAnd(v: unknown, path: string, inst: ConnectInstance, counts: { tags: number; groups: number }): UserPredicate {
  const o = object(v, path);
  only(o, path, ['TagConditions', 'HierarchyGroupCondition']);
  const ps: UserPredicate[] = [];
  if (present(o.TagConditions)) {
    const tags = tagConditions(o.TagConditions, `${path}.TagConditions`);
    counts.tags += tags.length;
    ps.push(...tags);
  }
  if (present(o.HierarchyGroupCondition)) {
    counts.groups++;
    ps.push(hierarchyGroupCondition(o.HierarchyGroupCondition, `${path}.HierarchyGroupCondition`, inst));
  }
  if (ps.length === 0) throw bad(`${path} is empty: give TagConditions and/or HierarchyGroupCondition.`);
  return all(ps);
}
