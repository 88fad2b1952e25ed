/** The spec of a ConnectWorkspaceAssociations document. */
import { parseConnectArn } from './arn.js';
import type { ConnectSpec } from './model.js';
import type { DocReader, Field, FieldRules, Value } from './reader.js';
import { checkAscii, checkLength, readAllowEmpty, readList, readPrune, readRegion, warnIfNothingToAssociate, type RegionInfo } from './spec-common.js';
import type { SourceLocation } from './types.js';

export const CONNECT_SPEC_FIELDS = ['region', 'instanceId', 'workspaceId', 'resourceArns', 'prune', 'allowEmpty'] as const;

/** Length limits of the Connect API (InstanceId 1..100, WorkspaceId 1..256). */
const INSTANCE_ID_MAX = 100;
const WORKSPACE_ID_MAX = 256;

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

export function readConnectSpec(
  r: DocReader,
  spec: Value,
  specKeyAt: SourceLocation,
  defaultRegion: string | undefined,
  hint: FieldRules['hint'],
): ConnectSpec | undefined {
  const rules = { known: CONNECT_SPEC_FIELDS, required: ['instanceId', 'workspaceId', 'resourceArns'], hint };
  const f = r.fields(spec, rules, specKeyAt);
  if (!f) return undefined;
  const region = readRegion(r, f.get('region'), defaultRegion);
  const { prune, pruneAt } = readPrune(r, f.get('prune'));
  const allowEmpty = readAllowEmpty(r, f.get('allowEmpty'));
  const instanceId = readId(r, f.get('instanceId'), INSTANCE_ID_MAX);
  const workspaceId = readId(r, f.get('workspaceId'), WORKSPACE_ID_MAX);
  const arnsField = f.get('resourceArns');
  // An invalid instanceId would make every ARN "of another instance": check ARNs against it only
  // when it is valid, and only when it was given.
  const list = arnsField && readList(r, arnsField, arnChecker(r, instanceId, region));
  if (arnsField) warnIfNothingToAssociate(r, arnsField, list, prune, allowEmpty);
  return {
    region: region.region,
    prune,
    allowEmpty,
    pruneAt,
    target: instanceId !== undefined && workspaceId !== undefined && region.ok ? { instanceId, workspaceId } : undefined,
    resourceArns: list?.items ?? [],
  };
}
