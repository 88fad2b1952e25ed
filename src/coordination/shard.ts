/**
 * Shards: the unit of work several replicas split between them (DESIGN.md "High availability and
 * scale-out"). One shard is one account + region; every target belongs to exactly one.
 */

/** What a shard is derived from: a target's account (none yet: 'default') and region. */
export interface ShardOf {
  account?: string;
  region: string | undefined;
}

/** The shard of a target or of an AWS call: `<account>/<region>`, e.g. `default/us-east-1`. The one place this is derived. */
export function shardOf(t: ShardOf): string {
  return `${t.account ?? 'default'}/${t.region ?? '-'}`;
}

/** The distinct shards of some targets, sorted. */
export function shardsOf(targets: readonly ShardOf[]): string[] {
  return [...new Set(targets.map(shardOf))].sort();
}

export interface ShardChange {
  gained: string[];
  lost: string[];
}

/** What the daemon needs of coordination: which shards exist, which this replica holds, and when that changes. */
export interface ShardOwnership {
  /** The shards the desired state has now (the coordinator spreads these over the replicas). */
  setShards(shards: readonly string[]): void;
  /** This replica holds the shard's lease now (and may reconcile its targets). */
  owns(shard: string): boolean;
  /** `listener` is called, synchronously, each time shards are gained or lost. */
  subscribe(listener: (change: ShardChange) => void): void;
}
