/**
 * The desired-state vocabulary every stage speaks: where things were written, what each document
 * asks for (intents, names and selectors included) and the concrete targets resolution makes of
 * them. Ground floor: plain data, no imports; config writes intents, resolve writes targets,
 * providers, the reconciler and the commands read them.
 */

export type Kind = 'ConnectWorkspaceAssociations' | 'WorkSpaceApplications';

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
  /** `connect/<region|->/<instanceId>/<workspaceId>`; unique, stable, used as the work-queue key. */
  key: string;
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
  /** `workspaces/<region|->/<workspaceId>` */
  key: string;
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

/**
 * Target keys: unique, stable, the work-queue key. One function per kind, so that an account can
 * join every key in one place: `connect/<region>/<instance>/<workspace>`, `workspaces/<region>/<id>`
 * (`-` for a missing region).
 */
export function connectKey(region: string | undefined, instanceId: string, workspaceId: string): string {
  return `connect/${region ?? '-'}/${instanceId}/${workspaceId}`;
}

export function workspaceKey(region: string | undefined, workspaceId: string): string {
  return `workspaces/${region ?? '-'}/${workspaceId}`;
}
