/** The resolve stage: intents (names, selectors) → concrete targets. See resolve.ts. */
import type { DesiredState } from '../config/types.js';
import { resolveIntents, type ResolveOptions, type ResolveResult } from './resolve.js';

export { resolveIntents } from './resolve.js';
export type { OwnershipConflict, ResolveFailure, ResolveOptions, ResolveResult } from './resolve.js';

/**
 * The targets of a desired state. A state that names everything by id needs no AWS call: its
 * targets are the loader's, exactly as before names and selectors existed.
 */
export async function resolveDesired(state: DesiredState, o: ResolveOptions): Promise<ResolveResult> {
  if (!state.needsResolution) return { targets: state.targets, failures: [], blocked: [], conflicts: [] };
  return resolveIntents(state.intents, o);
}
