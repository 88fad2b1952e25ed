/**
 * The desired state, as the loader hands it to everything else: validated, normalized into
 * targets (what the files name by id) and intents (everything each document asks for, names
 * and selectors included), every item carrying where in which file it was written.
 */

export type Kind = 'ConnectWorkspaceAssociations' | 'WorkSpaceApplications';

/** 1-based position of a YAML node. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One problem found while loading; printed as `FILE:LINE:COL: message`. */
export interface Problem extends SourceLocation {
  severity: 'error' | 'warning';
  message: string;
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
  code: 'NameNotFound' | 'NameAmbiguous';
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

export interface DesiredState {
  /**
   * Sorted by key. Built only from what the files name concretely (workspaceId + resourceArns;
   * workspaceIds × applicationIds): names and selectors are in `intents`, for resolution.
   */
  targets: Target[];
  /** One per document, in load order: everything each document asks for. */
  intents: Intent[];
  /** Some intent names something by name or selector (see isConcrete): `targets` is not all of it. */
  needsResolution: boolean;
  /** Number of YAML documents read (0 means "empty desired state"; guarded by --allow-empty). */
  documentCount: number;
  /** Every file read, in the order read (sorted within a directory). */
  files: string[];
}

export interface LoadOptions {
  /** Region for documents without `spec.region` (from --region or the SDK chain). */
  defaultRegion?: string;
  /** Files larger than this are refused. Default 10 MiB. */
  maxFileBytes?: number;
}

export interface LoadResult {
  /** Present only when there are no errors. */
  state?: DesiredState;
  errors: Problem[];
  warnings: Problem[];
}

export function connectKey(region: string | undefined, instanceId: string, workspaceId: string): string {
  return `connect/${region ?? '-'}/${instanceId}/${workspaceId}`;
}

export function workspaceKey(region: string | undefined, workspaceId: string): string {
  return `workspaces/${region ?? '-'}/${workspaceId}`;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
