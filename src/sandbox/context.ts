/** What a handler sees of one call. */
import type { FaultBook } from './faults.js';
import type { StepContext } from './workspaces-state.js';
import type { Account, RegionState } from './world.js';

export interface CallContext {
  account: Account;
  region: string;
  state: RegionState;
  faults: FaultBook;
  step: StepContext;
  now: () => number;
}

/** Epoch seconds, as both protocols put timestamps on the wire. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
