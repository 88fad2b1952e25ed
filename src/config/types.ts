/**
 * The desired state, as the loader hands it to everything else: validated, normalized into
 * targets, every item carrying where in which file it was written.
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
}

export type Target = ConnectTarget | WorkSpaceTarget;

export interface DesiredState {
  /** Sorted by key. */
  targets: Target[];
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
