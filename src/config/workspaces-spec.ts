/** The spec of a WorkSpaceApplications document. */
import type { WorkSpacesSpec } from './model.js';
import { readAccountName } from './account-spec.js';
import type { DocReader, FieldRules, Value } from './reader.js';
import { nameChecker, readWorkSpaceSelectors, WORKSPACE_SELECTOR_FIELDS } from './selectors.js';
import { checkRequired, readAllowEmpty, readList, readPrune, readRegion, warnIfNothingToAssociate, type ListField } from './spec-common.js';
import type { SourceLocation } from './types.js';

export const WORKSPACES_SPEC_FIELDS = ['account', 'region', 'workspaceIds', 'workspaces', 'applicationIds', 'applications', 'prune', 'allowEmpty'] as const;

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

/** Application names, as DescribeApplications gives them (Name: NonEmptyString, no maximum). */
export const applicationName = (value: string): string | undefined =>
  APPLICATION_ID.test(value) ? `'${value}' is an application id, which belongs in spec.applicationIds; this list holds application names` : undefined;

export function readWorkSpacesSpec(
  r: DocReader,
  spec: Value,
  specKeyAt: SourceLocation,
  defaultRegion: string | undefined,
  hint: FieldRules['hint'],
): WorkSpacesSpec | undefined {
  const selectorHint = (n: string) =>
    (WORKSPACE_SELECTOR_FIELDS as readonly string[]).includes(n) ? " (it belongs in a selector under 'spec.workspaces')" : hint?.(n);
  const f = r.fields(spec, { known: WORKSPACES_SPEC_FIELDS, required: [], hint: selectorHint }, specKeyAt);
  if (!f) return undefined;
  checkRequired(r, f, specKeyAt, 'spec', [['workspaceIds', 'workspaces'], ['applicationIds', 'applications']]);
  const account = readAccountName(r, f.get('account'));
  const region = readRegion(r, f.get('region'), defaultRegion);
  const { prune, pruneAt } = readPrune(r, f.get('prune'));
  const allowEmpty = readAllowEmpty(r, f.get('allowEmpty'));

  const wsField = f.get('workspaceIds');
  const workspaces = wsField && readList(r, wsField, idChecker(r, WORKSPACE_RULE));
  const selField = f.get('workspaces');
  const inSpec = (n: string) => ((WORKSPACES_SPEC_FIELDS as readonly string[]).includes(n) ? " (it belongs directly under 'spec')" : undefined);
  const selectors = selField && readWorkSpaceSelectors(r, selField, inSpec);
  // A document that selects no WorkSpace at all is a mistake, whichever way it was written.
  if (wsField && workspaces?.written === 0 && (!selField || selectors?.written === 0)) {
    const also = selField ? ' (spec.workspaces selects none either)' : ' (or select WorkSpaces with spec.workspaces)';
    r.error(wsField.value, `${wsField.value.path}: must list at least one WorkSpace id${also}`);
  } else if (selField && selectors?.written === 0 && !wsField) {
    r.error(selField.value, `${selField.value.path}: must list at least one selector (or WorkSpace ids in spec.workspaceIds)`);
  }

  const lists: ListField[] = [];
  const appField = f.get('applicationIds');
  const apps = appField && readList(r, appField, idChecker(r, APPLICATION_RULE));
  if (appField) lists.push({ field: appField, list: apps });
  const namesField = f.get('applications');
  const names = namesField && readList(r, namesField, nameChecker(r, 1, Infinity, applicationName), 'name');
  if (namesField) lists.push({ field: namesField, list: names });
  // Selectors choose WorkSpaces, not applications: the desired set is the listed applications.
  warnIfNothingToAssociate(r, lists, false, prune, allowEmpty);
  return {
    account,
    region: region.region,
    prune,
    allowEmpty,
    pruneAt,
    workspaceIds: region.ok ? (workspaces?.items ?? []) : [],
    selectors: selectors?.selectors ?? [],
    applicationIds: apps?.items ?? [],
    applications: names?.items ?? [],
  };
}
