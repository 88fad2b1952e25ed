/**
 * The lease table in DynamoDB: one item per shard (its lease) and one per replica (its
 * heartbeat), keyed by `leaseKey`:
 *
 *   leaseKey            │ attributes
 *   ────────────────────┼──────────────────────────────────────────────────────────────────
 *   shard/<shard>       │ leaseOwner (identity), leaseCounter (bumped on every renewal),
 *                       │ wantedBy (a replica asking the owner to hand the shard over)
 *   member/<identity>   │ leaseCounter (bumped on every heartbeat)
 *
 * No time is stored: whether an item is stale is judged by each reader on its own monotonic
 * clock (see coordinator.ts). Every write to a lease item is conditional on its owner and
 * counter, so of two replicas acting on the same observation exactly one succeeds. A free shard
 * has no item. Item sizes are tiny; a Scan of the whole table is a few shards plus a few replicas.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { sleep, type Clock } from '../reconciler/clock.js';

export interface LeaseItem {
  shard: string;
  owner: string;
  counter: number;
  wantedBy?: string;
}

export interface MemberItem {
  identity: string;
  counter: number;
}

/** The table does not exist and may not be created (no --create-lease-table), or cannot be used. */
export class LeaseTableError extends Error {
  override name = 'LeaseTableError';
}

const SHARD = 'shard/';
const MEMBER = 'member/';
const NAMES = { '#k': 'leaseKey', '#o': 'leaseOwner', '#c': 'leaseCounter', '#w': 'wantedBy' };

type Item = Record<string, AttributeValue>;

const s = (v: string): AttributeValue => ({ S: v });
const n = (v: number): AttributeValue => ({ N: String(v) });

function leaseOf(item: Item | undefined): LeaseItem | undefined {
  const key = item?.leaseKey?.S;
  if (!item || !key?.startsWith(SHARD) || item.leaseOwner?.S === undefined || item.leaseCounter?.N === undefined) return undefined;
  const l: LeaseItem = { shard: key.slice(SHARD.length), owner: item.leaseOwner.S, counter: Number(item.leaseCounter.N) };
  if (item.wantedBy?.S) l.wantedBy = item.wantedBy.S;
  return l;
}

/** A conditional write that lost: someone else changed the item first. */
async function conditional<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

export class LeaseTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  /**
   * Checks that the table exists and is usable; with `create`, creates it (on-demand billing, key
   * `leaseKey`) and waits until it is ACTIVE. Several replicas may race to create it: the losers
   * wait for the winner's table.
   */
  async ensure(o: { create: boolean; clock: Clock; pollMs?: number; timeoutMs?: number }): Promise<'exists' | 'created'> {
    let created = false;
    const status = await this.status();
    if (status === undefined) {
      if (!o.create) throw new LeaseTableError(`the lease table '${this.name}' does not exist (create it, or pass --create-lease-table)`);
      try {
        await this.client.send(
          new CreateTableCommand({
            TableName: this.name,
            AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
        created = true;
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
    }
    const deadline = o.clock.now() + (o.timeoutMs ?? 120_000);
    for (let st = status; st !== 'ACTIVE' && st !== 'UPDATING'; st = await this.status()) {
      if (o.clock.now() > deadline) throw new LeaseTableError(`the lease table '${this.name}' did not become ACTIVE in time (status ${st ?? 'missing'})`);
      await sleep(o.clock, o.pollMs ?? 1000);
    }
    return created ? 'created' : 'exists';
  }

  private async status(): Promise<string | undefined> {
    try {
      const r = await this.client.send(new DescribeTableCommand({ TableName: this.name }));
      return r.Table?.TableStatus ?? 'UNKNOWN';
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw err;
    }
  }

  /** Every lease and member item (strongly consistent). */
  async scan(): Promise<{ leases: LeaseItem[]; members: MemberItem[] }> {
    const leases: LeaseItem[] = [];
    const members: MemberItem[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: this.name, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const key = item.leaseKey?.S ?? '';
        const lease = leaseOf(item);
        if (lease) leases.push(lease);
        else if (key.startsWith(MEMBER) && item.leaseCounter?.N !== undefined) members.push({ identity: key.slice(MEMBER.length), counter: Number(item.leaseCounter.N) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { leases, members };
  }

  async get(shard: string): Promise<LeaseItem | undefined> {
    const r = await this.client.send(new GetItemCommand({ TableName: this.name, Key: { leaseKey: s(SHARD + shard) }, ConsistentRead: true }));
    return leaseOf(r.Item);
  }

  /** Takes a free shard (no item). Undefined when it is not free. */
  async create(shard: string, owner: string): Promise<LeaseItem | undefined> {
    const item = { leaseKey: s(SHARD + shard), leaseOwner: s(owner), leaseCounter: n(1) };
    const r = await conditional(this.client.send(new PutItemCommand({ TableName: this.name, Item: item, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': NAMES['#k'] } })));
    return r && { shard, owner, counter: 1 };
  }

  /** Bumps the counter of a lease `lease.owner` holds at `lease.counter`. Undefined when the item changed. */
  renew(lease: LeaseItem): Promise<LeaseItem | undefined> {
    return this.update(lease, 'SET #c = #c + :one', {});
  }

  /**
   * Moves a lease to `owner` (counter bumped, any hand-over request cleared), if it is still as
   * observed: an expired lease taken over, or (with `wanted`) a lease handed over to the replica
   * that asked for it.
   */
  transfer(lease: LeaseItem, owner: string, o: { wanted?: boolean } = {}): Promise<LeaseItem | undefined> {
    return this.update(lease, 'SET #o = :new, #c = #c + :one REMOVE #w', { ':new': s(owner) }, o.wanted ? { expr: '#w = :new', values: {} } : undefined);
  }

  /** Asks the owner to hand the shard over to `thief` (the owner decides, at its next renewal). */
  async want(lease: LeaseItem, thief: string): Promise<boolean> {
    const r = await conditional(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: { leaseKey: s(SHARD + lease.shard) },
          UpdateExpression: 'SET #w = :me',
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': NAMES['#o'], '#w': NAMES['#w'] },
          ExpressionAttributeValues: { ':me': s(thief), ':owner': s(lease.owner) },
        }),
      ),
    );
    return r !== undefined;
  }

  /** Frees a shard its owner holds (deletes the item). False when the item changed meanwhile. */
  async release(lease: LeaseItem): Promise<boolean> {
    const r = await conditional(
      this.client.send(
        new DeleteItemCommand({
          TableName: this.name,
          Key: { leaseKey: s(SHARD + lease.shard) },
          ConditionExpression: '#o = :owner AND #c = :counter',
          ExpressionAttributeNames: { '#o': NAMES['#o'], '#c': NAMES['#c'] },
          ExpressionAttributeValues: { ':owner': s(lease.owner), ':counter': n(lease.counter) },
        }),
      ),
    );
    return r !== undefined;
  }

  /** This replica's heartbeat: bumps (or creates) its member item. */
  async heartbeat(identity: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.name,
        Key: { leaseKey: s(MEMBER + identity) },
        UpdateExpression: 'SET #c = if_not_exists(#c, :zero) + :one',
        ExpressionAttributeNames: { '#c': NAMES['#c'] },
        ExpressionAttributeValues: { ':zero': n(0), ':one': n(1) },
      }),
    );
  }

  /** Deletes a member item, if its counter is still `counter` (a dead replica's), or unconditionally (our own, on leaving). */
  async removeMember(identity: string, counter?: number): Promise<boolean> {
    const cond = counter === undefined ? {} : { ConditionExpression: '#c = :counter', ExpressionAttributeNames: { '#c': NAMES['#c'] }, ExpressionAttributeValues: { ':counter': n(counter) } };
    const r = await conditional(this.client.send(new DeleteItemCommand({ TableName: this.name, Key: { leaseKey: s(MEMBER + identity) }, ...cond })));
    return r !== undefined;
  }

  private async update(lease: LeaseItem, expr: string, values: Item, extra?: { expr: string; values: Item }): Promise<LeaseItem | undefined> {
    const names: Record<string, string> = { '#o': NAMES['#o'], '#c': NAMES['#c'] };
    if (expr.includes('#w') || extra?.expr.includes('#w')) names['#w'] = NAMES['#w'];
    const r = await conditional(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: { leaseKey: s(SHARD + lease.shard) },
          UpdateExpression: expr,
          ConditionExpression: `#o = :owner AND #c = :counter${extra ? ` AND ${extra.expr}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':owner': s(lease.owner), ':counter': n(lease.counter), ':one': n(1), ...values, ...extra?.values },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return r && leaseOf(r.Attributes);
  }
}
