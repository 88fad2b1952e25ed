/**
 * Which view of WorkSpaces application associations observes a set of WorkSpaces with the fewest
 * calls (DESIGN.md, Semantics, "Observation is level-based"). Pure: counts in, a choice out.
 *
 * - `per-workspace`: one DescribeWorkspaceAssociations per WorkSpace (not paginated).
 * - `listed`: DescribeApplicationAssociations (25 per page) for every application the due
 *   `prune: false` WorkSpaces list; it sees those applications on every WorkSpace at once, but
 *   no other application, so the due `prune: true` WorkSpaces are still asked one by one.
 * - `catalogue`: DescribeApplications (the whole catalogue, 25 per page) and then the
 *   application-side view of every application in it: it sees everything the catalogue lists,
 *   so it serves `prune: true` WorkSpaces too; plus one DescribeWorkspaceAssociations of one of
 *   those, in turn (PROBE_CALLS), which finds an application the listing left out.
 *
 * Ties go to `per-workspace`: it needs no estimate and serves every WorkSpace exactly.
 */

/** The catalogue view's own read of one prune WorkSpace per pass (see the catalogue view above). */
export const PROBE_CALLS = 1;

/** DescribeApplicationAssociations and DescribeApplications page size maximum. */
export const APPLICATION_PAGE_SIZE = 25;

export type ObservationView = 'per-workspace' | 'listed' | 'catalogue';

export interface ViewCounts {
  /** WorkSpaces that need an observation now. */
  due: number;
  /** Of them, the ones with `prune: true`. */
  duePrune: number;
  /** Pages of DescribeApplicationAssociations for the applications the due `prune: false` WorkSpaces list. */
  listedPages: number;
  /**
   * Pages of DescribeApplications for the whole catalogue plus the application-side pages of
   * every application in it; undefined when nothing is known about the catalogue (then the
   * catalogue view is not chosen unless prune WorkSpaces make it worth a try).
   */
  cataloguePages?: number;
}

export interface ViewChoice {
  view: ObservationView;
  /** The calls the choice is expected to cost. */
  calls: number;
}

/** Pages a paginated list of `items` needs at `pageSize` per page: an empty list is one page. */
export function pagesFor(items: number, pageSize = APPLICATION_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/** The cheapest view for these counts. */
export function chooseView(c: ViewCounts): ViewChoice {
  let best: ViewChoice = { view: 'per-workspace', calls: c.due };
  if (c.due === 0) return best;
  const nonPrune = c.due - c.duePrune;
  if (nonPrune > 0) {
    // A scan costs at least one call, even of nothing.
    const listed = Math.max(1, c.listedPages) + c.duePrune;
    if (listed < best.calls) best = { view: 'listed', calls: listed };
  }
  if (c.duePrune > 0 && c.cataloguePages !== undefined && c.cataloguePages + PROBE_CALLS < best.calls) {
    best = { view: 'catalogue', calls: c.cataloguePages + PROBE_CALLS };
  }
  return best;
}
