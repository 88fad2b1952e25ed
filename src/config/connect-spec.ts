/** The spec of a ConnectWorkspaceAssociations document. */
import { parseConnectArn } from './arn.js';
import type { ConnectSpec } from './model.js';
import { readAccountName } from './account-spec.js';
import type { DocReader, Field, FieldRules, Value } from './reader.js';
import { nameChecker, readName, readUserSelector, ROUTING_PROFILE_NAME_MAX, USER_SELECTOR_FIELDS } from './selectors.js';
import {
  checkAscii,
  checkLength,
  checkRequired,
  readAllowEmpty,
  readList,
  readPrune,
  readRegion,
  warnIfNothingToAssociate,
  type Charset,
  type ListField,
  type ReadList,
  type RegionInfo,
} from './spec-common.js';
import type { SourceLocation } from './types.js';

export const CONNECT_SPEC_FIELDS = [
  'account', 'region', 'instanceId', 'workspaceId', 'workspaceName', 'resourceArns', 'users', 'routingProfiles', 'userSelector', 'prune', 'allowEmpty',
] as const;

/** Length limits of the Connect API (InstanceId 1..100, WorkspaceId 1..256, WorkspaceName 1..127, AgentUsername 1..100). */
const INSTANCE_ID_MAX = 100;
const WORKSPACE_ID_MAX = 256;
const WORKSPACE_NAME_MAX = 127;
const USERNAME_MAX = 100;

/** Users and routing profiles are named by name, or by ARN in resourceArns: not an ARN as a name. */
export const arnAsName = (value: string): string | undefined =>
  value.startsWith('arn:') ? `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} is an ARN, which belongs in spec.resourceArns; this list holds names` : undefined;

function readId(r: DocReader, field: Field | undefined, max: number): string | undefined {
  if (!field) return undefined;
  const id = r.string(field.value);
  return id !== undefined && checkAscii(r, field.value, id, 'the id') && checkLength(r, field.value, id, 1, max) ? id : undefined;
}

/**
 * Checks one ARN against the rules that need the rest of the document: the instance named in
 * spec.instanceId, the effective region, and the account of the first ARN (one instance lives in
 * one account, so two accounts mean one ARN was copied from elsewhere).
 */
function arnChecker(r: DocReader, instanceId: string | undefined, region: RegionInfo) {
  let firstAccount: { account: string; path: string } | undefined;
  return (value: string, item: Value): boolean => {
    const parsed = parseConnectArn(value);
    if (!parsed.ok) {
      r.error(item, `${item.path}: not a Connect user or routing-profile ARN: ${parsed.reason}`);
      return false;
    }
    const arn = parsed.arn;
    let ok = true;
    if (instanceId !== undefined && arn.instanceId !== instanceId) {
      r.error(item, `${item.path}: ARN belongs to instance ${arn.instanceId}, not to spec.instanceId ${instanceId}`);
      ok = false;
    }
    if (region.region !== undefined && arn.region !== region.region) {
      r.error(item, `${item.path}: ARN is in region ${arn.region} but the document's region is ${region.region} (from ${region.source})`);
      ok = false;
    }
    if (firstAccount === undefined) {
      firstAccount = { account: arn.account, path: item.path };
    } else if (arn.account !== firstAccount.account) {
      r.error(item, `${item.path}: ARN is in account ${arn.account} but ${firstAccount.path} is in account ${firstAccount.account}; an instance belongs to one account`);
      ok = false;
    }
    return ok;
  };
}

/**
 * The workspace, by exactly one of workspaceId / workspaceName. Both given: an error at the one
 * written second, naming the other.
 */
function readWorkspace(r: DocReader, f: Map<string, Field>): ConnectSpec['workspace'] {
  const idField = f.get('workspaceId');
  const nameField = f.get('workspaceName');
  const id = readId(r, idField, WORKSPACE_ID_MAX);
  const name = readName(r, nameField, WORKSPACE_NAME_MAX);
  if (idField && nameField) {
    const [first, second] = [idField, nameField].sort((a, b) => a.keyAt.line - b.keyAt.line || a.keyAt.col - b.keyAt.col);
    r.error(
      { at: second.keyAt },
      `spec: ${second.name} and ${first.name} (line ${first.keyAt.line}) are both given; name the workspace by exactly one of workspaceId and workspaceName`,
    );
    return undefined;
  }
  if (idField && id !== undefined) return { by: 'id', id, at: idField.value.at };
  if (nameField && name !== undefined) return { by: 'name', name, at: nameField.value.at };
  return undefined;
}

export function readConnectSpec(
  r: DocReader,
  spec: Value,
  specKeyAt: SourceLocation,
  defaultRegion: string | undefined,
  hint: FieldRules['hint'],
): ConnectSpec | undefined {
  const selectorHint = (n: string) =>
    (USER_SELECTOR_FIELDS as readonly string[]).includes(n) ? " (it belongs under 'spec.userSelector')" : hint?.(n);
  const f = r.fields(spec, { known: CONNECT_SPEC_FIELDS, required: [], hint: selectorHint }, specKeyAt);
  if (!f) return undefined;
  checkRequired(r, f, specKeyAt, 'spec', [['instanceId'], ['workspaceId', 'workspaceName'], ['resourceArns', 'users', 'routingProfiles', 'userSelector']]);
  const account = readAccountName(r, f.get('account'));
  const region = readRegion(r, f.get('region'), defaultRegion);
  const { prune, pruneAt } = readPrune(r, f.get('prune'));
  const allowEmpty = readAllowEmpty(r, f.get('allowEmpty'));
  const instanceId = readId(r, f.get('instanceId'), INSTANCE_ID_MAX);
  const workspace = readWorkspace(r, f);
  const lists: ListField[] = [];
  const list = (name: string, check: (value: string, item: Value) => boolean, charset: Charset): ReadList | undefined => {
    const field = f.get(name);
    if (!field) return undefined;
    const read = readList(r, field, check, charset);
    lists.push({ field, list: read });
    return read;
  };
  // An invalid instanceId would make every ARN "of another instance": check ARNs against it only
  // when it is valid, and only when it was given.
  const arns = list('resourceArns', arnChecker(r, instanceId, region), 'ascii');
  const users = list('users', nameChecker(r, 1, USERNAME_MAX, arnAsName), 'name');
  const profiles = list('routingProfiles', nameChecker(r, 1, ROUTING_PROFILE_NAME_MAX, arnAsName), 'name');
  const selectorField = f.get('userSelector');
  const inSpec = (n: string) => ((CONNECT_SPEC_FIELDS as readonly string[]).includes(n) ? " (it belongs directly under 'spec')" : undefined);
  const userSelector = selectorField && readUserSelector(r, selectorField, inSpec);
  warnIfNothingToAssociate(r, lists, selectorField !== undefined, prune, allowEmpty);
  return {
    account,
    region: region.region,
    prune,
    allowEmpty,
    pruneAt,
    target: instanceId !== undefined && workspace?.by === 'id' && region.ok ? { instanceId, workspaceId: workspace.id } : undefined,
    instanceId,
    workspace,
    resourceArns: arns?.items ?? [],
    users: users?.items ?? [],
    routingProfiles: profiles?.items ?? [],
    userSelector,
  };
}
