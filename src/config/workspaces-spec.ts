/** The spec of a WorkSpaceApplications document. */
import type { WorkSpacesSpec } from './model.js';
import type { DocReader, FieldRules, Value } from './reader.js';
import { readAllowEmpty, readList, readPrune, readRegion, warnIfNothingToAssociate } from './spec-common.js';
import type { SourceLocation } from './types.js';

export const WORKSPACES_SPEC_FIELDS = ['region', 'workspaceIds', 'applicationIds', 'prune', 'allowEmpty'] as const;

/** Patterns of the WorkSpaces API (WorkspaceId, WorkSpaceApplicationId). */
const WORKSPACE_ID = /^ws-[0-9a-z]{8,63}$/;
const APPLICATION_ID = /^wsa-[0-9a-z]{8,63}$/;

interface IdRule {
  pattern: RegExp;
  what: string;
  prefix: string;
  /** Says where an id of the other list belongs: ws- and wsa- ids are easy to swap. */
  misplaced: (value: string) => string;
}

const WORKSPACE_RULE: IdRule = {
  pattern: WORKSPACE_ID,
  what: 'a WorkSpace id',
  prefix: 'ws-',
  misplaced: (v) => (APPLICATION_ID.test(v) ? '; that is an application id, which belongs in applicationIds' : ''),
};

const APPLICATION_RULE: IdRule = {
  pattern: APPLICATION_ID,
  what: 'an application id',
  prefix: 'wsa-',
  misplaced: (v) => (WORKSPACE_ID.test(v) ? '; that is a WorkSpace id, which belongs in workspaceIds' : ''),
};

function idChecker(r: DocReader, rule: IdRule) {
  return (value: string, item: Value): boolean => {
    if (rule.pattern.test(value)) return true;
    r.error(
      item,
      `${item.path}: '${value}' is not ${rule.what} (expected '${rule.prefix}' followed by 8 to 63 lowercase letters or digits)${rule.misplaced(value)}`,
    );
    return false;
  };
}

export function readWorkSpacesSpec(
  r: DocReader,
  spec: Value,
  specKeyAt: SourceLocation,
  defaultRegion: string | undefined,
  hint: FieldRules['hint'],
): WorkSpacesSpec | undefined {
  const rules = { known: WORKSPACES_SPEC_FIELDS, required: ['workspaceIds', 'applicationIds'], hint };
  const f = r.fields(spec, rules, specKeyAt);
  if (!f) return undefined;
  const region = readRegion(r, f.get('region'), defaultRegion);
  const { prune, pruneAt } = readPrune(r, f.get('prune'));
  const allowEmpty = readAllowEmpty(r, f.get('allowEmpty'));

  const wsField = f.get('workspaceIds');
  const workspaces = wsField && readList(r, wsField, idChecker(r, WORKSPACE_RULE));
  if (wsField && workspaces?.written === 0) {
    r.error(wsField.value, `${wsField.value.path}: must list at least one WorkSpace id`);
  }
  const appField = f.get('applicationIds');
  const apps = appField && readList(r, appField, idChecker(r, APPLICATION_RULE));
  if (appField) warnIfNothingToAssociate(r, appField, apps, prune, allowEmpty);
  return {
    region: region.region,
    prune,
    allowEmpty,
    pruneAt,
    workspaceIds: region.ok ? (workspaces?.items ?? []) : [],
    applicationIds: apps?.items ?? [],
  };
}
