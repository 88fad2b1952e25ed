/**
 * The desired-state vocabulary every stage speaks: where things were written, what each document
 * asks for (intents, names and selectors included) and the concrete targets resolution makes of
 * them. Ground floor: plain data, no imports; config writes intents, resolve writes targets,
 * providers, the reconciler and the commands read them.
 */

export type Kind = 'ConnectWorkspaceAssociations' | 'WorkSpaceApplications';

/**
 * The account of targets whose documents name no `spec.account`, while the desired state has no
 * Account documents: one set of credentials, whose account id nobody needs to know (no STS call).
 * With Account documents, such targets carry the default credentials' real account id instead
 * (learnt once with GetCallerIdentity).
 */
export const DEFAULT_ACCOUNT = 'default';

/** 1-based position of a YAML node. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** A document that contributed to a target (for error messages and reports). */
export interface DocumentRef {
  kind: Kind;
  name: string;
  location: SourceLocation;
}

/**
 * One Amazon Connect workspace: region + instance + workspace. `region` is undefined only when
 * neither the document, `--region`, nor the SDK's default chain named one.
 */
export interface ConnectTarget {
  type: 'connect';
  /** `connect/[<account>/]<region|->/<instanceId>/<workspaceId>`; unique, stable, used as the work-queue key. */
  key: string;
  /** 12-digit account id, or DEFAULT_ACCOUNT (see there). With the region, the target's shard. */
  account: string;
  region: string | undefined;
  instanceId: string;
  workspaceId: string;
  /** Desired resource ARNs (users, routing profiles) → where each was first listed. */
  desired: Map<string, SourceLocation>;
  prune: boolean;
  /** A document of the target says `allowEmpty: true`: prune may empty it. */
  allowEmpty?: boolean;
  documents: DocumentRef[];
  /** The workspace's name, when a document named it so. */
  name?: string;
  /** Desired items resolved from names, item → what was written (`user jdoe`). */
  labels?: Map<string, string>;
  /** Names resolution could not turn into items: terminal failures that hold the target's removals. */
  unresolved?: UnresolvedItem[];
}

/** A name or selector item that matched no resource, or several. */
export interface UnresolvedItem {
  /** As reported: `user jdoe`, `application Google Chrome`. */
  item: string;
  at: SourceLocation;
  /** SelectsNothing: a userSelector of a prune target matched no user (likely a typo: held unless allowEmpty). */
  code: 'NameNotFound' | 'NameAmbiguous' | 'SelectsNothing';
  /** With a "did you mean" where a near name exists. */
  message: string;
}

/** One Amazon WorkSpace: region + WorkSpace id. */
export interface WorkSpaceTarget {
  type: 'workspaces';
  /** `workspaces/[<account>/]<region|->/<workspaceId>` */
  key: string;
  /** 12-digit account id, or DEFAULT_ACCOUNT (see there). */
  account: string;
  region: string | undefined;
  workspaceId: string;
  /** Desired application ids (`wsa-…`) → where each was first listed. */
  desired: Map<string, SourceLocation>;
  prune: boolean;
  /** A document of the target says `allowEmpty: true`: prune may empty it. */
  allowEmpty?: boolean;
  documents: DocumentRef[];
  /** Application ids resolved from names, id → name. */
  labels?: Map<string, string>;
  /** Names resolution could not turn into items: terminal failures that hold the target's removals. */
  unresolved?: UnresolvedItem[];
}

export type Target = ConnectTarget | WorkSpaceTarget;

/** A value as written, and where. */
export interface Located<T = string> {
  value: T;
  at: SourceLocation;
}

/** A tag filter (`{team: support}`): WorkSpaces or users carrying all these tags. */
export interface TagsSpec {
  /** Where the mapping is written. */
  at: SourceLocation;
  /** In the order written; `at` is the key. */
  tags: { key: string; value: string; at: SourceLocation }[];
}

/** `userSelector`: every user of the instance that matches all that is given. */
export interface UserSelectorSpec {
  at: SourceLocation;
  /** Users carrying all these tags. */
  tags?: TagsSpec;
  /** Users whose routing profile is one of these (names). Empty: no such filter. */
  routingProfiles: Located[];
  /** Users in one of these hierarchy groups. Empty: no such filter. */
  hierarchyGroupIds: Located[];
  /** Also users of the child groups of hierarchyGroupIds. */
  includeChildGroups: boolean;
}

/**
 * Everything one ConnectWorkspaceAssociations document asks for, names and selectors included,
 * before anything is resolved against AWS. Lists hold each item once, in the order written.
 */
export interface ConnectIntent {
  type: 'connect';
  document: DocumentRef;
  /** spec.account: the Account document it names; undefined for the default credentials. */
  account?: AccountRef;
  region: string | undefined;
  instanceId: string;
  workspace: { by: 'id'; id: string; at: SourceLocation } | { by: 'name'; name: string; at: SourceLocation };
  resourceArns: Located[];
  /** Usernames (exact). */
  users: Located[];
  /** Routing-profile names (exact). */
  routingProfiles: Located[];
  userSelector?: UserSelectorSpec;
  prune: boolean;
  pruneAt?: SourceLocation;
  allowEmpty: boolean;
}

/** One entry of `spec.workspaces`: what one DescribeWorkspaces filter (and DescribeTags) selects. */
export type WorkSpaceSelector =
  | { by: 'directory'; at: SourceLocation; directoryId: string; userNames?: Located[] }
  | { by: 'bundle'; at: SourceLocation; bundleId: string }
  | { by: 'tags'; at: SourceLocation; directoryId: string; tags: TagsSpec };

/** Everything one WorkSpaceApplications document asks for, before resolution. */
export interface WorkSpacesIntent {
  type: 'workspaces';
  document: DocumentRef;
  /** spec.account: the Account document it names; undefined for the default credentials. */
  account?: AccountRef;
  region: string | undefined;
  workspaceIds: Located[];
  /** The WorkSpaces selected are the union of what each selects (and of workspaceIds). */
  selectors: WorkSpaceSelector[];
  applicationIds: Located[];
  /** Application names (exact), resolved in the catalogue. */
  applications: Located[];
  prune: boolean;
  pruneAt?: SourceLocation;
  allowEmpty: boolean;
}

export type Intent = ConnectIntent | WorkSpacesIntent;

/** `spec.account` of a document, bound to its Account document. */
export interface AccountRef {
  /** The Account document's metadata.name. */
  name: string;
  /** The account id of its roleArn. */
  id: string;
  at: SourceLocation;
}

/** An `Account` document: the role assumed (STS AssumeRole) for the targets of one account. */
export interface AccountSpec {
  name: string;
  /** The account id of roleArn (12 digits). */
  id: string;
  roleArn: string;
  externalId?: string;
  /** Default `workspace-reconciler`. */
  sessionName: string;
  /** Where its metadata.name is written. */
  location: SourceLocation;
}

/** Where a target lives, as AWS applies quotas and credentials: its shard. */
export function targetShard(t: Target): { account: string; region: string | undefined } {
  return { account: t.account, region: t.region };
}

/**
 * Target keys: unique, stable, the work-queue key. One function per kind, so that the account
 * joins every key in one place: `connect/<account>/<region>/<instance>/<workspace>`,
 * `workspaces/<account>/<region>/<id>` (`-` for a missing region). The DEFAULT_ACCOUNT is left
 * out (`connect/<region>/…`), so a desired state without Account documents keeps the keys it
 * always had (reports, lock keys and dashboards of existing deployments do not change).
 */
export function connectKey(account: string, region: string | undefined, instanceId: string, workspaceId: string): string {
  return `connect/${accountPart(account)}${region ?? '-'}/${instanceId}/${workspaceId}`;
}

export function workspaceKey(account: string, region: string | undefined, workspaceId: string): string {
  return `workspaces/${accountPart(account)}${region ?? '-'}/${workspaceId}`;
}

/** `{account}` for a CallInfo or a log line; nothing for DEFAULT_ACCOUNT (the calls of the default credentials read as before). */
export function accountField(account: string | undefined): { account?: string } {
  return account === undefined || account === DEFAULT_ACCOUNT ? {} : { account };
}

function accountPart(account: string): string {
  return account === DEFAULT_ACCOUNT ? '' : `${account}/`;
}
