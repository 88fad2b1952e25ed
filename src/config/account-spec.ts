/**
 * The `Account` kind: the IAM role assumed (STS AssumeRole) for the targets of one AWS account,
 * and `spec.account`, by which a document names it. Offline checks only; the role is assumed at
 * run time (src/providers/accounts.ts).
 */
import type { DocReader, Field, FieldRules, Value } from './reader.js';
import { quote } from './reader.js';
import { checkAscii } from './spec-common.js';
import type { SourceLocation } from './types.js';

export const ACCOUNT_SPEC_FIELDS = ['roleArn', 'externalId', 'sessionName'] as const;

/** What AWS calls the session when the Account names none: stable, so CloudTrail reads `assumed-role/<role>/workspace-reconciler`. */
export const DEFAULT_SESSION_NAME = 'workspace-reconciler';

export interface AccountDocSpec {
  roleArn: string;
  /** The 12-digit account of roleArn. */
  accountId: string;
  externalId?: string;
  sessionName: string;
  roleArnAt: SourceLocation;
}

/** metadata.name rules apply to the name an Account is referred to by (spec.account). */
const ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Model constraints of STS AssumeRole (botocore sts/2011-06-15): externalIdType, roleSessionNameType. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** `arn:<partition>:iam::<account>:role/[<path>/]<name>`, or why not. */
export function parseRoleArn(text: string): { ok: true; accountId: string } | { ok: false; reason: string } {
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(text);
  if (!m) return { ok: false, reason: 'not an ARN (expected arn:aws:iam::<account>:role/<name>)' };
  const [, partition, service, region, account, resource] = m;
  if (!['aws', 'aws-cn', 'aws-us-gov'].includes(partition!)) return { ok: false, reason: `unknown partition '${partition}' (expected aws, aws-cn or aws-us-gov)` };
  if (service !== 'iam') {
    const hint = service === 'sts' ? ' (an assumed-role session ARN; name the role itself: arn:aws:iam::<account>:role/<name>)' : '';
    return { ok: false, reason: `ARN of service '${service}', not an IAM role ARN${hint}` };
  }
  if (region !== '') return { ok: false, reason: `IAM ARNs have no region, got '${region}' (expected arn:aws:iam::<account>:role/<name>)` };
  if (!/^[0-9]{12}$/.test(account!)) return { ok: false, reason: `account '${account}' is not a 12-digit AWS account id` };
  const r = /^role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/.exec(resource!);
  if (!r) {
    const type = /^([a-z-]+)\//.exec(resource!)?.[1];
    return { ok: false, reason: type && type !== 'role' ? `this is an IAM ${type} ARN; an Account assumes a role (…:role/<name>)` : `resource '${resource}' is not of the form role/<name> (1..64 of letters, digits and +=,.@_-)` };
  }
  return { ok: true, accountId: account! };
}

function optionalString(r: DocReader, field: Field | undefined, pattern: RegExp, rule: string): string | undefined {
  if (!field) return undefined;
  const v = r.string(field.value);
  if (v === undefined || !checkAscii(r, field.value, v, 'the value')) return undefined;
  if (!pattern.test(v)) return r.error(field.value, `${field.value.path}: ${quote(v)} is not valid: ${rule}`);
  return v;
}

export function readAccountSpec(r: DocReader, spec: Value, specKeyAt: SourceLocation, hint: FieldRules['hint']): AccountDocSpec | undefined {
  const f = r.fields(spec, { known: ACCOUNT_SPEC_FIELDS, required: ['roleArn'], hint }, specKeyAt);
  if (!f) return undefined;
  const externalId = optionalString(r, f.get('externalId'), EXTERNAL_ID, '2 to 1224 of letters, digits and +=,.@:/_- (STS ExternalId)');
  const sessionName = optionalString(r, f.get('sessionName'), SESSION_NAME, '2 to 64 of letters, digits and +=,.@_- (STS RoleSessionName)');
  const roleField = f.get('roleArn');
  if (!roleField) return undefined;
  const roleArn = r.string(roleField.value);
  if (roleArn === undefined || !checkAscii(r, roleField.value, roleArn, 'the ARN')) return undefined;
  const parsed = parseRoleArn(roleArn);
  if (!parsed.ok) return r.error(roleField.value, `${roleField.value.path}: not an IAM role ARN: ${parsed.reason}`);
  if (f.has('externalId') && externalId === undefined) return undefined;
  if (f.has('sessionName') && sessionName === undefined) return undefined;
  return {
    roleArn,
    accountId: parsed.accountId,
    ...(externalId !== undefined ? { externalId } : {}),
    sessionName: sessionName ?? DEFAULT_SESSION_NAME,
    roleArnAt: roleField.value.at,
  };
}

/** `spec.account` of a target document: an Account's metadata.name (checked against the Accounts later). */
export function readAccountName(r: DocReader, field: Field | undefined): { name: string; at: SourceLocation } | undefined {
  if (!field) return undefined;
  const name = r.string(field.value);
  if (name === undefined) return undefined;
  if (!ACCOUNT_NAME.test(name) || name.length > 253) {
    const hint = /^[0-9]{12}$/.test(name) ? '; spec.account names an Account document (kind: Account), not an account id' : /^arn:/.test(name) ? '; spec.account names an Account document (kind: Account) whose roleArn is this ARN' : '';
    return r.error(field.value, `spec.account: ${quote(name)} is not the metadata.name of an Account document${hint}`);
  }
  return { name, at: field.value.at };
}
