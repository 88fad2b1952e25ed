/**
 * The per-workspace filtered SearchWorkspaceAssociations: when it pays, and how it is asked.
 * Pure: counts in, a choice out. AWS does not document the accepted `FieldName` values
 * (aws-api.md §2.3), so the provider verifies every answer (index.ts) and records a verdict per
 * instance: 'unknown' until checked, 'honoured' once an unfiltered page agreed with it,
 * 'rejected' or 'ignored' when AWS refused it or answered other workspaces' associations (then
 * the instance is observed with the full scan from then on).
 */
import type { WorkspaceAssociationSearchCriteria } from '@aws-sdk/client-connect';

export type FilterVerdict = 'unknown' | 'honoured' | 'rejected' | 'ignored';

/** Answers to a filtered search's first page that mean "this filter is not accepted". */
export const FILTER_REFUSED: ReadonlySet<string> = new Set(['InvalidParameterException', 'InvalidRequestException', 'ValidationException']);

export function workspaceCriteria(workspaceId: string): WorkspaceAssociationSearchCriteria {
  return { StringCondition: { FieldName: 'WorkspaceId', Value: workspaceId, ComparisonType: 'EXACT' } };
}

export interface SearchCounts {
  /** The first unfiltered page's ApproximateTotalCount (undefined: not given). */
  total: number | undefined;
  pageSize: number;
  verdict: FilterVerdict;
  /** Per due workspace: its associations when last observed (undefined: never observed). */
  workspaces: readonly (number | undefined)[];
}

/**
 * After the first unfiltered page (which both ways read): 'filtered' when one search per due
 * workspace, plus one page to check the filter while it is not yet trusted, needs fewer calls
 * than the rest of the full scan. An unknown workspace size is guessed at one page (an instance
 * whose due workspaces are big learns it after one observation). Ties go to the full scan: it
 * needs no trust in an undocumented filter.
 */
export function chooseSearch(c: SearchCounts): 'filtered' | 'full' {
  if (c.verdict === 'rejected' || c.verdict === 'ignored' || c.total === undefined) return 'full';
  const rest = Math.max(0, Math.ceil(c.total / c.pageSize) - 1);
  let filtered = c.verdict === 'honoured' ? 0 : 1;
  for (const n of c.workspaces) filtered += Math.max(1, Math.ceil((n ?? 0) / c.pageSize));
  return filtered < rest ? 'filtered' : 'full';
}
