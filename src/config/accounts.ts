/**
 * Checks across documents for accounts (DESIGN.md "Names, selectors and accounts"): every
 * spec.account names an Account document; a Connect ARN (or an instance given as an ARN) lives in
 * the account of that Account's role; one Account per AWS account; an Account no document names
 * is a warning. Account documents are never targets.
 */
import { parseConnectArn } from './arn.js';
import type { ParsedAccount, ParsedDocument } from './model.js';
import { formatLocation, type ProblemList } from './problems.js';
import { closest } from './suggest.js';
import type { AccountRef, AccountSpec } from '../model/desired.js';

/** The account of an instance id written as an instance ARN (`arn:aws:connect:<region>:<account>:instance/<id>`). */
function instanceArnAccount(instanceId: string): string | undefined {
  return /^arn:aws[-a-z]*:connect:[^:]*:([0-9]{12}):instance\/[^/]+$/.exec(instanceId)?.[1];
}

/** Valid Account documents by name; every problem of accounts reported. */
export function checkAccounts(docs: readonly ParsedDocument[], accounts: readonly ParsedAccount[], problems: ProblemList): Map<string, AccountSpec> {
  const byName = new Map<string, AccountSpec>();
  const byId = new Map<string, ParsedAccount>();
  for (const a of accounts) {
    if (!a.spec || byName.has(a.ref.name)) continue;
    const other = byId.get(a.spec.accountId);
    if (other) {
      problems.error(
        a.spec.roleArnAt,
        `spec.roleArn: account ${a.spec.accountId} already has Account '${other.ref.name}' (${formatLocation(other.ref.location)}); one Account per AWS account, so that each target is reached through one role`,
      );
      continue;
    }
    byId.set(a.spec.accountId, a);
    const { roleArn, accountId: id, externalId, sessionName } = a.spec;
    byName.set(a.ref.name, { name: a.ref.name, id, roleArn, ...(externalId !== undefined ? { externalId } : {}), sessionName, location: a.ref.location });
  }
  const declared = accounts.map((a) => a.ref.name);
  const used = new Set<string>();
  for (const doc of docs) {
    const ref = doc.spec?.account;
    if (!ref) continue;
    used.add(ref.name);
    const account = byName.get(ref.name);
    if (!account) {
      // An Account of that name with an invalid spec has its own error already.
      if (declared.includes(ref.name)) continue;
      const near = closest(ref.name, declared);
      const hint = /^[0-9]{12}$/.test(ref.name) ? '; spec.account names an Account document (kind: Account), not an account id' : near ? `; did you mean '${near}'?` : declared.length === 0 ? '; add a document of kind Account with this metadata.name' : ` (Accounts: ${declared.slice(0, 5).join(', ')})`;
      problems.error(ref.at, `spec.account: no Account document is named '${ref.name}'${hint}`);
      continue;
    }
    if (doc.kind !== 'ConnectWorkspaceAssociations' || !doc.spec) continue;
    const spec = doc.spec;
    const mismatch = (what: string, actual: string) =>
      `${what} is in account ${actual}, but spec.account '${account.name}' assumes ${account.roleArn} in account ${account.id}; a Connect instance is reached only through a role of its own account`;
    const instAccount = spec.instanceId !== undefined ? instanceArnAccount(spec.instanceId) : undefined;
    if (instAccount !== undefined && instAccount !== account.id) problems.error(ref.at, mismatch('spec.instanceId', instAccount));
    for (const item of spec.resourceArns) {
      const parsed = parseConnectArn(item.value);
      if (parsed.ok && parsed.arn.account !== account.id) problems.error(item.at, mismatch('spec.resourceArns: this ARN', parsed.arn.account));
    }
  }
  // (An Account with errors of its own is not warned about as well.)
  for (const a of accounts) {
    if (byName.get(a.ref.name)?.location === a.ref.location && !used.has(a.ref.name)) problems.warning(a.ref.location, `Account '${a.ref.name}' is not used: no document names it in spec.account`);
  }
  return byName;
}

/** The AccountRef of a document's spec.account, once checked. */
export function accountRefOf(doc: ParsedDocument, accounts: ReadonlyMap<string, AccountSpec>): AccountRef | undefined {
  const ref = doc.spec?.account;
  const a = ref && accounts.get(ref.name);
  return ref && a ? { name: a.name, id: a.id, at: ref.at } : undefined;
}
