/**
 * The Connect side of the world: instances with users, routing profiles, workspaces and the
 * workspace ↔ resource associations. Associations are ordered by (workspaceId, resourceArn): the
 * instance's sorted workspaces, then each workspace's sorted ARNs. Two levels keep a mutation cheap
 * (a splice in one workspace's few hundred ARNs, not in the instance's 100,000).
 */
import { SortedIndex } from './sorted.js';

export type ConnectResourceType = 'USER' | 'ROUTING_PROFILE';
export type Visibility = 'ALL' | 'ASSIGNED' | 'NONE';

export interface ConnectResource {
  type: ConnectResourceType;
  id: string;
  arn: string;
  /** Username (users) or Name (routing profiles). */
  name: string;
  lastModified: number;
}

/** A user: what SearchUsers filters on and DescribeUser shows. */
export interface ConnectUser extends ConnectResource {
  type: 'USER';
  /** Key → value; empty when the user has none (AWS then omits `Tags`). */
  tags: Record<string, string>;
  /** A routing profile of the same instance, if the instance has any. */
  routingProfileId?: string;
  hierarchyGroupId?: string;
}

/** An agent hierarchy group; `path` is its ancestors' ids from the root, then its own. */
export interface HierarchyGroup {
  id: string;
  name: string;
  arn: string;
  parentId?: string;
  path: string[];
}

export interface ConnectWorkspace {
  id: string;
  arn: string;
  name: string;
  visibility: Visibility;
  description?: string;
  title?: string;
  lastModified: number;
  /** Associated resource ARNs → resource. */
  associated: Map<string, ConnectResource>;
  /** The same, sorted by ARN (built by the instance): the inner level of the search cursor. */
  sorted?: SortedIndex<ConnectResource>;
}

export interface WorkspaceAssociation {
  workspace: ConnectWorkspace;
  resource: ConnectResource;
}

/** `arn:aws:connect:<region>:<account>:instance/<instance>/(agent|routing-profile)/<id>` */
const RESOURCE_ARN = /^arn:aws:connect:([a-z0-9-]+):(\d{12}):instance\/([^/]+)\/(agent|routing-profile)\/([^/]+)$/;

/** The sandbox clock now and the search lag in force. */
export interface Lag {
  now: number;
  lagMs: number;
}

export interface LagOverlay {
  hidden: Set<string>;
  shown: Map<string, WorkspaceAssociation>;
}

interface AssociationChange {
  at: number;
  key: string;
  association: WorkspaceAssociation;
  added: boolean;
}

export function associationKey(workspaceId: string, resourceArn: string): string {
  // NUL cannot occur in ids or ARNs, so workspace ranges are contiguous: [id\0, id\u0001).
  return `${workspaceId}\u0000${resourceArn}`;
}

export class ConnectInstance {
  readonly users = new Map<string, ConnectUser>();
  readonly routingProfiles = new Map<string, ConnectResource>();
  readonly hierarchyGroups = new Map<string, HierarchyGroup>();
  readonly workspaces = new Map<string, ConnectWorkspace>();
  readonly arn: string;
  usersIndex = new SortedIndex<ConnectUser>();
  routingProfilesIndex = new SortedIndex<ConnectResource>();
  workspacesIndex = new SortedIndex<ConnectWorkspace>();
  /** Bumped on every association change; invalidates cached counts. */
  version = 0;
  readonly countCache = new Map<string, number>();
  /** Association changes within the search lag, oldest first (only recorded while a lag is set). */
  private changes: AssociationChange[] = [];
  /** SearchUsers match counts per query. Users do not change after seeding, so entries never go stale. */
  readonly userCounts = new Map<string, number>();

  constructor(
    readonly id: string,
    readonly alias: string,
    readonly region: string,
    readonly accountId: string,
  ) {
    this.arn = `arn:aws:connect:${region}:${accountId}:instance/${id}`;
  }

  userArn(id: string): string {
    return `${this.arn}/agent/${id}`;
  }

  routingProfileArn(id: string): string {
    return `${this.arn}/routing-profile/${id}`;
  }

  workspaceArn(id: string): string {
    return `${this.arn}/workspace/${id}`;
  }

  hierarchyGroupArn(id: string): string {
    return `${this.arn}/agent-group/${id}`;
  }

  /** Whether the user is in the group itself, or (withChildren) in it or any group below it. */
  inHierarchyGroup(u: ConnectUser, groupId: string, withChildren: boolean): boolean {
    if (u.hierarchyGroupId === undefined) return false;
    if (!withChildren) return u.hierarchyGroupId === groupId;
    return this.hierarchyGroups.get(u.hierarchyGroupId)?.path.includes(groupId) ?? false;
  }

  /** Rebuild the list indexes after seeding (one sort instead of many inserts). */
  reindex(): void {
    this.usersIndex = SortedIndex.from([...this.users.values()].map((u) => [u.id, u]));
    this.routingProfilesIndex = SortedIndex.from([...this.routingProfiles.values()].map((r) => [r.id, r]));
    this.workspacesIndex = SortedIndex.from([...this.workspaces.values()].map((w) => [w.id, w]));
    for (const w of this.workspaces.values()) w.sorted = SortedIndex.from([...w.associated].map(([arn, r]) => [arn, r]));
    this.bump();
  }

  /**
   * The resource named by an ARN of THIS instance, 'malformed' if the ARN is not a user or
   * routing-profile ARN of this account, region and instance, or 'unknown' if well-formed but absent.
   */
  resolveArn(arn: string): ConnectResource | 'malformed' | 'unknown' {
    const m = RESOURCE_ARN.exec(arn);
    if (m === null || m[1] !== this.region || m[2] !== this.accountId || m[3] !== this.id) return 'malformed';
    const found = m[4] === 'agent' ? this.users.get(m[5]) : this.routingProfiles.get(m[5]);
    // Compare the whole ARN too, so an odd spelling never aliases a real resource.
    return found !== undefined && found.arn === arn ? found : 'unknown';
  }

  /** `lag`: record the change so that a search lagging by `lagMs` does not see it yet. */
  associate(w: ConnectWorkspace, r: ConnectResource, lag?: Lag): void {
    w.associated.set(r.arn, r);
    w.sorted?.set(r.arn, r);
    this.record({ workspace: w, resource: r }, true, lag);
    this.bump();
  }

  disassociate(w: ConnectWorkspace, arn: string, lag?: Lag): void {
    const r = w.associated.get(arn);
    w.associated.delete(arn);
    w.sorted?.delete(arn);
    if (r !== undefined) this.record({ workspace: w, resource: r }, false, lag);
    this.bump();
  }

  private record(a: WorkspaceAssociation, added: boolean, lag: Lag | undefined): void {
    if (lag === undefined || lag.lagMs <= 0) return;
    this.forget(lag);
    this.changes.push({ at: lag.now, key: associationKey(a.workspace.id, a.resource.arn), association: a, added });
  }

  private forget(lag: Lag): void {
    const visible = lag.now - lag.lagMs;
    let i = 0;
    while (i < this.changes.length && this.changes[i]!.at <= visible) i++;
    if (i > 0) this.changes = this.changes.slice(i);
  }

  /**
   * What a search lagging by `lagMs` sees differently from now: associations made within the lag
   * (hidden) and removed within it (still shown), by key. Undefined when it sees the present.
   */
  lagOverlay(lag: Lag): LagOverlay | undefined {
    if (lag.lagMs <= 0) return undefined;
    this.forget(lag);
    if (this.changes.length === 0) return undefined;
    const hidden = new Set<string>();
    const shown = new Map<string, WorkspaceAssociation>();
    const seen = new Set<string>();
    for (const c of this.changes) {
      if (seen.has(c.key)) continue; // the first change after the cut decides what the cut saw
      seen.add(c.key);
      if (c.added) hidden.add(c.key);
      else shown.set(c.key, c.association);
    }
    return { hidden, shown };
  }

  /**
   * Associations strictly after the cursor key, in order; only `pinned`'s when given. A cursor whose
   * workspace or ARN has since been removed still resumes at the right place (it is a key, not a position).
   */
  *associationsAfter(after: string | undefined, pinned?: string): Generator<[string, WorkspaceAssociation]> {
    const cut = after === undefined ? -1 : after.indexOf('\u0000');
    const afterWs = cut < 0 ? undefined : after!.slice(0, cut);
    const afterArn = cut < 0 ? undefined : after!.slice(cut + 1);
    const spaces = this.workspacesIndex;
    let i = afterWs === undefined ? 0 : spaces.lowerBound(afterWs);
    if (pinned !== undefined) i = Math.max(i, spaces.lowerBound(pinned));
    for (; i < spaces.size; i++) {
      const w = spaces.valueAt(i);
      if (pinned !== undefined && w.id !== pinned) return;
      const arns = w.sorted ?? new SortedIndex<ConnectResource>();
      let j = w.id === afterWs && afterArn !== undefined ? arns.upperBound(afterArn) : 0;
      for (; j < arns.size; j++) {
        const r = arns.valueAt(j);
        yield [associationKey(w.id, r.arn), { workspace: w, resource: r }];
      }
    }
  }

  private bump(): void {
    this.version += 1;
    this.countCache.clear();
  }
}
