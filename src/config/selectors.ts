/**
 * Selectors: a Connect document's `userSelector` (users of the instance matching all that is
 * given) and a WorkSpaces document's `workspaces` (each entry one filter DescribeWorkspaces can
 * apply). Only their shape is checked here; what they match is known only when resolved online.
 */
import { isMap, isScalar } from 'yaml';
import type { DocReader, Field, FieldRules, Value } from './reader.js';
import { checkAscii, checkLength, checkName, readList, readTags, type Charset, type ReadList, type TagLimits } from './spec-common.js';
import type { Located, TagsSpec, UserSelectorSpec, WorkSpaceSelector } from './types.js';

export const USER_SELECTOR_FIELDS = ['tags', 'routingProfiles', 'hierarchyGroupIds', 'includeChildGroups'] as const;
export const WORKSPACE_SELECTOR_FIELDS = ['directoryId', 'userNames', 'bundleId', 'tags'] as const;

/** Tag limits: Connect's TagMap (key 1..128, value ..256), WorkSpaces' Tag (key 1..127, value ..255). */
export const CONNECT_TAGS: TagLimits = { keyMax: 128, valueMax: 256 };
export const WORKSPACES_TAGS: TagLimits = { keyMax: 127, valueMax: 255 };

/** Lengths of the Connect API: RoutingProfileName 1..127; hierarchy group ids as the brief of v1 says, 1..100. */
export const ROUTING_PROFILE_NAME_MAX = 127;
const HIERARCHY_GROUP_ID_MAX = 100;
/** WorkSpaces' UserName 1..63. */
const USER_NAME_MAX = 63;

/** WorkSpaces' DirectoryId (10..65 characters) and BundleId. */
const DIRECTORY_ID = /^(?:d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/;
const DIRECTORY_ID_MAX = 65;
const BUNDLE_ID = /^wsb-[0-9a-z]{8,63}$/;
const WORKSPACE_ID = /^ws-[0-9a-z]{8,63}$/;

/** Checks a name's length; `hint` may add an error of its own (an ARN where a name belongs). */
export function nameChecker(r: DocReader, min: number, max: number, hint?: (value: string) => string | undefined) {
  return (value: string, item: Value): boolean => {
    const wrong = hint?.(value);
    if (wrong) {
      r.error(item, `${item.path}: ${wrong}`);
      return false;
    }
    return checkLength(r, item, value, min, max);
  };
}

/**
 * A list inside a selector: absent means "no such filter", so an empty one is an error (it would
 * otherwise be read either as "no filter" or as "matches nothing").
 */
function readFilterList(
  r: DocReader,
  field: Field | undefined,
  check: (value: string, item: Value) => boolean,
  charset: Charset,
  what: string,
  absent: string,
): ReadList | undefined {
  if (!field) return undefined;
  const list = readList(r, field, check, charset);
  if (list && list.written === 0) r.error(field.value, `${field.value.path}: must list at least one ${what}; leave it out to ${absent}`);
  return list;
}

/** Written entries of a mapping (unknown ones included), 0 for anything else. */
function entryCount(v: Value): number {
  return isMap(v.node) ? v.node.items.length : 0;
}

/** `spec.userSelector`. Undefined when it is not a mapping. */
export function readUserSelector(r: DocReader, field: Field, hint: FieldRules['hint']): UserSelectorSpec | undefined {
  const f = r.fields(field.value, { known: USER_SELECTOR_FIELDS, required: [], hint }, field.keyAt);
  if (!f) return undefined;
  const path = field.value.path;
  const tagsField = f.get('tags');
  const tags = tagsField && readTags(r, tagsField, CONNECT_TAGS);
  const profiles = readFilterList(r, f.get('routingProfiles'), nameChecker(r, 1, ROUTING_PROFILE_NAME_MAX), 'name', 'routing-profile name', 'not filter on routing profiles');
  const groupsField = f.get('hierarchyGroupIds');
  const groups = readFilterList(r, groupsField, (v, item) => checkLength(r, item, v, 1, HIERARCHY_GROUP_ID_MAX), 'ascii', 'hierarchy group id', 'not filter on hierarchy groups');
  const childField = f.get('includeChildGroups');
  const includeChildGroups = childField ? (r.boolean(childField.value) ?? false) : false;
  const filters = (['tags', 'routingProfiles', 'hierarchyGroupIds'] as const).filter((n) => f.has(n));
  if (filters.length === 0 && f.size === entryCount(field.value)) {
    r.error(
      field.value,
      `${path}: selects on nothing: give tags, routingProfiles or hierarchyGroupIds (includeChildGroups only widens hierarchyGroupIds); a selector of every user is not allowed`,
    );
  } else if (childField && !groupsField && filters.length > 0) {
    r.problems.warning(childField.keyAt, `${childField.value.path}: has no effect without hierarchyGroupIds`);
  }
  return {
    at: field.value.at,
    ...(tags ? { tags } : {}),
    routingProfiles: profiles?.items ?? [],
    hierarchyGroupIds: groups?.items ?? [],
    includeChildGroups,
  };
}

const SHAPES = 'a selector is {directoryId}, {directoryId, userNames}, {directoryId, tags} or {bundleId}, the filters DescribeWorkspaces can apply';

function readPatternId(r: DocReader, field: Field | undefined, pattern: RegExp, max: number, expected: string): string | undefined {
  if (!field) return undefined;
  const v = field.value;
  const id = r.string(v);
  if (id === undefined || !checkAscii(r, v, id, 'the id')) return undefined;
  if (!pattern.test(id)) return r.error(v, `${v.path}: '${id}' is not ${expected}`);
  return checkLength(r, v, id, 1, max) ? id : undefined;
}

/** A canonical form of a selector: two selectors with one form select the same WorkSpaces. */
function identity(s: WorkSpaceSelector): string {
  const tags = (t: TagsSpec) => t.tags.map((x) => [x.key, x.value]).sort();
  const names = (l: Located[] | undefined) => l?.map((x) => x.value).sort();
  if (s.by === 'bundle') return JSON.stringify([s.by, s.bundleId]);
  if (s.by === 'tags') return JSON.stringify([s.by, s.directoryId, tags(s.tags)]);
  return JSON.stringify([s.by, s.directoryId, names(s.userNames)]);
}

/** One entry of `spec.workspaces`; undefined when it is invalid. */
function readWorkSpaceSelector(r: DocReader, item: Value, hint: FieldRules['hint']): WorkSpaceSelector | undefined {
  const n = item.node;
  if (isScalar(n) && typeof n.value === 'string' && WORKSPACE_ID.test(n.value)) {
    return r.error(item, `${item.path}: '${n.value}' is a WorkSpace id, which belongs in spec.workspaceIds; spec.workspaces holds selectors (${SHAPES})`);
  }
  const f = r.fields(item, { known: WORKSPACE_SELECTOR_FIELDS, required: [], hint }, item.at);
  if (!f) return undefined;
  if (f.size === 0) {
    // Only unknown fields: those errors say it all.
    return entryCount(item) === 0 ? r.error(item, `${item.path}: empty selector; ${SHAPES}`) : undefined;
  }
  const dirField = f.get('directoryId');
  const bundleField = f.get('bundleId');
  const userField = f.get('userNames');
  const tagsField = f.get('tags');
  const directoryId = readPatternId(r, dirField, DIRECTORY_ID, DIRECTORY_ID_MAX,
    "a directory id (expected 'd-' followed by 8 to 63 lowercase hexadecimal digits, or 'wsd-' followed by 8 to 63 lowercase letters or digits)");
  const bundleId = readPatternId(r, bundleField, BUNDLE_ID, Infinity, "a bundle id (expected 'wsb-' followed by 8 to 63 lowercase letters or digits)");
  const userNames = readFilterList(r, userField, nameChecker(r, 1, USER_NAME_MAX), 'name', 'user name', 'select every WorkSpace of the directory');
  const tags = tagsField && readTags(r, tagsField, WORKSPACES_TAGS);

  let ok = true;
  const refuse = (at: Field, message: string) => {
    r.error({ at: at.keyAt }, `${item.path}: ${message}; ${SHAPES}`);
    ok = false;
  };
  if (bundleField) {
    const others = [dirField, userField, tagsField].filter((x): x is Field => x !== undefined);
    if (others.length > 0) refuse(bundleField, `bundleId cannot be combined with ${others.map((x) => x.name).join(' or ')}`);
  } else {
    if (userField && tagsField) refuse(tagsField, 'userNames and tags cannot be combined');
    const needsDir = userField ?? tagsField;
    if (needsDir && !dirField) refuse(needsDir, `${needsDir.name} ${needsDir.name === 'tags' ? 'need' : 'needs'} a directoryId`);
  }
  if (!ok) return undefined;
  if (bundleField) return bundleId === undefined ? undefined : { by: 'bundle', at: item.at, bundleId };
  if (directoryId === undefined) return undefined;
  if (tagsField) return tags ? { by: 'tags', at: item.at, directoryId, tags } : undefined;
  if (userField) return userNames && userNames.items.length > 0 ? { by: 'directory', at: item.at, directoryId, userNames: userNames.items } : undefined;
  return { by: 'directory', at: item.at, directoryId };
}

/**
 * `spec.workspaces`: a list of selectors, each valid one once (a repeat, in any order of its
 * user names or tags, is a warning, as for list items). Undefined when it is not a list at all.
 */
export function readWorkSpaceSelectors(r: DocReader, field: Field, hint: FieldRules['hint']): { selectors: WorkSpaceSelector[]; written: number } | undefined {
  const written = r.sequence(field.value);
  if (!written) return undefined;
  const selectors: WorkSpaceSelector[] = [];
  const first = new Map<string, Value>();
  for (const item of written) {
    const s = readWorkSpaceSelector(r, item, hint);
    if (!s) continue;
    const id = identity(s);
    const earlier = first.get(id);
    if (earlier) {
      r.problems.warning(item.at, `${item.path}: selects what ${earlier.path} (line ${earlier.at.line}) selects; listed once`);
      continue;
    }
    first.set(id, item);
    selectors.push(s);
  }
  return { selectors, written: written.length };
}

/** checkName for one string field (workspaceName). */
export function readName(r: DocReader, field: Field | undefined, max: number): string | undefined {
  if (!field) return undefined;
  const name = r.string(field.value);
  return name !== undefined && checkName(r, field.value, name, 'the name') && checkLength(r, field.value, name, 1, max) ? name : undefined;
}
