/**
 * A world of three accounts for the accounts tests: the reconciler's own credentials act in
 * BASE; PROD trusts BASE (with an external id), LOCKED has a role that trusts nobody here. BASE
 * and PROD hold a WorkSpace with the same id and a Connect instance with the same ids, so that a
 * target reached through the wrong account would show.
 */
import type { Seed } from '../../src/sandbox/index.js';

export const REGION = 'us-east-1';
export const REGION2 = 'eu-west-2';
export const BASE = '111111111111';
export const PROD = '222222222222';
export const LOCKED = '333333333333';
export const BASE_KEY = 'AKIDBASE0000001';
export const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
export const FLOOR = '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';
export const WS = 'ws-shared00001';
export const APP = 'wsa-chrome0001';
export const EXTERNAL_ID = 'reconciler-7f3a';
export const PROD_ROLE = `arn:aws:iam::${PROD}:role/workspace-reconciler`;
/** A role of the base account (its sessions serve as short-lived source credentials). */
export const CI_ROLE = `arn:aws:iam::${BASE}:role/ci`;
export const LOCKED_ROLE = `arn:aws:iam::${LOCKED}:role/workspace-reconciler`;

export const userId = (n: number) => `0f1e2d3c-0000-1111-2222-3333444455${String(n).padStart(2, '0')}`;
export const userArn = (account: string, n: number, region = REGION) => `arn:aws:connect:${region}:${account}:instance/${INSTANCE}/agent/${userId(n)}`;

function region(r: string) {
  return {
    connect: {
      instances: [{
        id: INSTANCE,
        users: [1, 2, 3].map((n) => ({ id: userId(n), username: `agent0${n}` })),
        routingProfiles: [{ id: '7a6b5c4d-0000-1111-2222-333344445501', name: 'Basic' }],
        workspaces: [{ id: FLOOR, name: `Floor ${r}` }],
      }],
    },
    workspaces: {
      applications: [{ id: APP, name: 'Google Chrome' }],
      workspaces: [{ id: WS, userName: 'eng1' }],
    },
  };
}

/** `strict`: the base account lists its key, so unknown keys are refused. `sessionSeconds`: seed sts.sessionSeconds. */
export function accountsSeed(o: { strict?: boolean; sessionSeconds?: number } = {}): Seed {
  return {
    accounts: [
      { id: BASE, ...(o.strict ? { accessKeyIds: [BASE_KEY] } : {}), roles: [{ name: 'ci', trust: [BASE] }], regions: { [REGION]: region(REGION), [REGION2]: region(REGION2) } },
      { id: PROD, roles: [{ name: 'workspace-reconciler', trust: [BASE], externalId: EXTERNAL_ID }], regions: { [REGION]: region(REGION), [REGION2]: region(REGION2) } },
      { id: LOCKED, roles: [{ name: 'workspace-reconciler', trust: [PROD] }], regions: { [REGION]: region(REGION) } },
    ],
    ...(o.sessionSeconds !== undefined ? { sts: { sessionSeconds: o.sessionSeconds } } : {}),
  };
}
