/** Shared fixtures for the sandbox tests: demo-world ids, SDK clients pointed at a sandbox, a fake clock. */
import { ConnectClient } from '@aws-sdk/client-connect';
import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { Sandbox } from '../../src/sandbox/index.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
export const SUPPORT_FLOOR = '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';
export const BILLING_DESK = '3e8a7b6c-aaaa-bbbb-cccc-111122223333';
export const SUPERVISORS = '5f4e3d2c-aaaa-bbbb-cccc-444455556666';
export const LONDON_INSTANCE = 'b2c3d4e5-1111-2222-3333-444455556666';

const two = (n: number) => String(n).padStart(2, '0');
export const instanceArn = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE}`;
export const userId = (n: number) => `0f1e2d3c-0000-1111-2222-3333444455${two(n)}`;
export const userArn = (n: number) => `${instanceArn}/agent/${userId(n)}`;
export const profileArn = (n: number) => `${instanceArn}/routing-profile/7a6b5c4d-0000-1111-2222-3333444455${two(n)}`;

/** Clients with fast retries (3 attempts, 1 ms apart) or none (`attempts: 1`). */
export function clients(sb: Sandbox, opts: { attempts?: number; region?: string; accessKeyId?: string } = {}) {
  const attempts = opts.attempts ?? 1;
  const config = {
    region: opts.region ?? REGION,
    endpoint: sb.endpoint,
    credentials: { accessKeyId: opts.accessKeyId ?? 'AKIDSANDBOX', secretAccessKey: opts.accessKeyId === undefined ? 'sandbox-secret' : 'x' },
    retryStrategy: new ConfiguredRetryStrategy(attempts, () => 1),
  };
  return { connect: new ConnectClient(config), workspaces: new WorkSpacesClient(config) };
}

/** A clock tests move by hand. */
export class FakeClock {
  t = Date.UTC(2026, 0, 1);
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The rejection of a promise (fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { name: string; $metadata: { httpStatusCode?: number; attempts?: number } } & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
