/** What the export collectors need and give back. */
import type { ConnectTarget, WorkSpaceTarget } from '../model/desired.js';
import type { ConnectLookup, WorkSpacesLookup } from '../model/lookup.js';
import type { Provider } from '../providers/types.js';
import type { ExportDocument } from './document.js';

/** The same look-ups and providers plan uses, through the same rate limiter. */
export interface ExportDeps {
  lookups: { connect: ConnectLookup; workspaces: WorkSpacesLookup };
  providers: { connect: Provider<ConnectTarget>; workspaces: Provider<WorkSpaceTarget> };
  signal?: AbortSignal;
}

export interface ExportOptions {
  region: string;
  /** Export from this Account (its assumed role): targets in its account id, `spec.account: name` in every document. Default: the default credentials. */
  account?: { name: string; id: string };
  /** Write names (workspaceName, users, routingProfiles, applications) where they are unique. */
  names: boolean;
  prune: boolean;
}

export interface ExportResult {
  documents: ExportDocument[];
  /** Comment lines for the top of the output. */
  header: string[];
  /** What was left out, and why (for the log). */
  skipped: { item: string; reason: string }[];
}

/**
 * The request names something AWS does not have, or names it ambiguously: nothing is written,
 * exit 1 (like bad input, it is for the operator to fix).
 */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** Every target had nothing associated and prune is off: an empty desired state is no export. */
export function nothingToWrite(n: number, noun: string): string {
  const what = n === 1 ? `the ${noun}` : `any of the ${n} ${noun}s`;
  return `nothing is associated with ${what}: without --prune there is nothing to write (--prune writes documents that keep ${n === 1 ? 'it' : 'them'} empty)`;
}

/** ", account NAME (ID)" for a header line, or nothing for the default credentials. */
export function inAccount(account: ExportOptions['account']): string {
  return account ? `, account ${account.name} (${account.id})` : '';
}
