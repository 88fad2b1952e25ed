/** The resolve stage: intents (names, selectors) → concrete targets. See resolve.ts. */
import type { DesiredState } from '../config/types.js';
import { resolveIntents, type ResolveOptions, type ResolveResult } from './resolve.js';

export { resolveIntents } from './resolve.js';
export type { OwnershipConflict, ResolveFailure, ResolveOptions, ResolveResult } from './resolve.js';

/**
 * The targets of a desired state. A state that names everything by id and has no Account
 * documents needs no AWS call: its targets are the loader's, exactly as before names, selectors
 * and accounts existed. With Account documents, the documents of the default credentials are
 * bound to that account's real id (one GetCallerIdentity, `o.defaultAccount`) here, so that a
 * target reached both ways is one target.
 */
export async function resolveDesired(state: DesiredState, o: ResolveOptions): Promise<ResolveResult> {
  const accounts = state.accounts ?? [];
  if (!state.needsResolution && accounts.length === 0) return { targets: state.targets, failures: [], blocked: [], conflicts: [] };
  const { defaultAccount, ...rest } = o;
  return resolveIntents(state.intents, accounts.length > 0 && defaultAccount ? { ...rest, defaultAccount } : rest);
}
