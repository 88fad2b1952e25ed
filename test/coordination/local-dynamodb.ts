/**
 * A real DynamoDB-compatible server for the tests: dynalite (in memory) on 127.0.0.1:0, served to
 * the real @aws-sdk/client-dynamodb. Conditional Put/Update/Delete, consistent Scan, CreateTable
 * (CREATING for `createTableMs`, then ACTIVE) behave as DynamoDB documents them.
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LeaseTable } from '../../src/coordination/table.js';
import { systemClock } from '../../src/reconciler/clock.js';

export interface LocalDynamo {
  endpoint: string;
  /** A client of the server (dummy credentials, us-east-1). */
  client(): DynamoDBClient;
  /** A LeaseTable `name` on a new client, created and ACTIVE. */
  table(name: string): Promise<LeaseTable>;
  close(): Promise<void>;
}

export async function startLocalDynamo(o: { createTableMs?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: o.createTableMs ?? 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const c = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    client,
    async table(name) {
      const t = new LeaseTable(client(), name);
      await t.ensure({ create: true, clock: systemClock, pollMs: 10 });
      return t;
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
