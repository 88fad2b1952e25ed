/**
 * The desired state, as the loader hands it to everything else: validated, normalized into
 * targets (what the files name by id) and intents (everything each document asks for, names
 * and selectors included), every item carrying where in which file it was written.
 */

import type { AccountSpec, Intent, SourceLocation, Target } from '../model/desired.js';

// The vocabulary lives in src/model (ground floor); re-exported for the loader's callers.
export type {
  AccountRef, AccountSpec, ConnectIntent, ConnectTarget, DocumentRef, Intent, Kind, Located, SourceLocation, TagsSpec, Target, UnresolvedItem,
  UserSelectorSpec, WorkSpaceSelector, WorkSpacesIntent, WorkSpaceTarget,
} from '../model/desired.js';
export { connectKey, DEFAULT_ACCOUNT, targetShard, workspaceKey } from '../model/desired.js';

/** One problem found while loading; printed as `FILE:LINE:COL: message`. */
export interface Problem extends SourceLocation {
  severity: 'error' | 'warning';
  message: string;
}

export interface DesiredState {
  /**
   * Sorted by key. Built only from what the files name concretely (workspaceId + resourceArns;
   * workspaceIds × applicationIds): names and selectors are in `intents`, for resolution.
   */
  targets: Target[];
  /** One per document, in load order: everything each document asks for. */
  intents: Intent[];
  /** The Account documents, in load order (never targets). Empty: one set of credentials, no STS call. */
  accounts: AccountSpec[];
  /**
   * Some intent names something by name or selector (see isConcrete), or the state has Account
   * documents: `targets` is not all of it, resolution (online) makes the targets.
   */
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
  /**
   * sha256 (hex) of the bytes of every file read from disk that is part of the desired state
   * (foreign files skipped, refused ones absent), in the order read; also when there are errors.
   * `plan --out` records them; `apply --plan` compares them with the bytes it loads.
   */
  digests?: { file: string; sha256: string }[];
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
