/**
 * The accounts benchmark's world: the caller's own account (the first; it holds nothing) and the
 * bench fleet in each of the given accounts, each with a role `workspace-reconciler` that the
 * caller's account may assume. Built in the sandbox's process and in the benchmark's from the same
 * parameters, so no seed crosses a process boundary.
 */
import { buildFleetSeed, type FleetOptions, type Seed } from '../src/sandbox/index.js';

/** The account the benchmark's own (base) credentials act in. */
export const CALLER_ACCOUNT = '100000000000';
export const ROLE_NAME = 'workspace-reconciler';

/** `n` account ids, 12 digits each, none the caller's. */
export function accountIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(200000000000 + i));
}

export function accountsSeed(fleet: FleetOptions, accounts: readonly string[]): Seed {
  return {
    accounts: [
      { id: CALLER_ACCOUNT, regions: {} },
      ...accounts.map((id) => ({ ...buildFleetSeed({ ...fleet, accountId: id }).accounts[0]!, roles: [{ name: ROLE_NAME, trust: [CALLER_ACCOUNT] }] })),
    ],
  };
}
