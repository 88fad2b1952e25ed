/** Coordination of several replicas through a DynamoDB lease table (DESIGN.md "High availability and scale-out"). */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LeaseTable } from './table.js';

export { Coordinator, monotonicClock } from './coordinator.js';
export type { AcquiredHow, CoordinationEvent, CoordinatorOptions, LostReason } from './coordinator.js';
export { shardOf, shardsOf } from './shard.js';
export type { ShardChange, ShardOf, ShardOwnership } from './shard.js';
export { LeaseTable, LeaseTableError } from './table.js';
export type { LeaseItem, MemberItem } from './table.js';

/** This process's default name in the lease table: the host name (the pod's, on Kubernetes) and a random suffix, unique per process. */
export function defaultIdentity(): string {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100) || 'replica';
  return `${host}_${randomBytes(4).toString('hex')}`;
}

/**
 * The lease table's client: region `region`, else the SDK's chain (AWS_REGION, the profile);
 * endpoint from the chain too (AWS_ENDPOINT_URL_DYNAMODB points it at a local DynamoDB). Each
 * attempt is bounded by `timeoutMs`: an answer after the renew deadline is of no use.
 */
export function createLeaseTable(o: { table: string; region?: string; timeoutMs: number; userAgent?: [string, string][] }): LeaseTable {
  const client = new DynamoDBClient({
    region: o.region,
    customUserAgent: o.userAgent,
    requestHandler: new NodeHttpHandler({ requestTimeout: o.timeoutMs, connectionTimeout: Math.min(5000, o.timeoutMs), socketTimeout: o.timeoutMs, throwOnRequestTimeout: true }),
  });
  return new LeaseTable(client, o.table);
}
