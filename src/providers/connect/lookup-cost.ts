/**
 * Usernames to users: scan the instance, or look a few names up one by one? (DESIGN.md: "one
 * paginated ListUsers scan per instance … unless looking a handful of names up one by one is
 * cheaper".) Pure: no I/O, no clock.
 *
 *   scan:      ListUsers, 1,000 users a page, its own quota (10/s published);
 *              ⌈users / 1,000⌉ calls, made one after another (each page needs the last one's token)
 *   look-ups:  SearchUsers with a `Username` EXACT StringCondition, one call per name, at
 *              SearchUsers' quota (2/s published); independent, so they overlap
 *
 * Look-ups are chosen only when they are cheaper in calls AND take no longer at those rates. The
 * time model is the rate-limit bound alone, `max(0, calls − burst) / rate`: it ignores the latency
 * of each page of a scan, which only makes scans slower, so the choice leans towards the scan the
 * resolver has always made. 3 names on an instance of 100,000 users: 3 look-ups (within the
 * burst) against 99 more pages (≥ 8.9 s at 10/s). 500 names on 10,000 users: the scan.
 */

export interface RateLimit {
  /** Sustained calls per second. */
  rate: number;
  /** Calls allowed at once after idling. */
  burst: number;
}

export interface UserLookupCostInput {
  /** Distinct usernames still to find. */
  names: number;
  /** Users in the instance (SearchUsers' ApproximateTotalCount). */
  users: number;
  /** ListUsers pages already read. Default 0. */
  pagesRead?: number;
  /** ListUsers' limit. */
  scan: RateLimit;
  /** SearchUsers' limit. */
  lookup: RateLimit;
  /** ListUsers page size. Default 1000 (the API maximum). */
  pageSize?: number;
}

export interface Cost {
  calls: number;
  /** The rate-limit bound of those calls. */
  seconds: number;
}

/**
 * The most names worth the extra call that learns an instance's size (a SearchUsers with
 * `MaxResults: 1`, for its ApproximateTotalCount). With more, look-ups could only win on an
 * instance far over 100,000 users: 26 look-ups take 10.5 s at 2/s after a burst of 5, as long as
 * 115 ListUsers pages take at 10/s. So a desired state of many usernames never pays the probe.
 */
export const HANDFUL = 25;

const bound = (calls: number, l: RateLimit): number => Math.max(0, calls - l.burst) / l.rate;

/** What finishing the scan costs. */
export function scanCost(i: UserLookupCostInput): Cost {
  const calls = Math.max(0, Math.ceil(Math.max(1, i.users) / (i.pageSize ?? 1000)) - (i.pagesRead ?? 0));
  return { calls, seconds: bound(calls, i.scan) };
}

/** What looking each name up costs. */
export function lookupCost(i: UserLookupCostInput): Cost {
  return { calls: i.names, seconds: bound(i.names, i.lookup) };
}

/** 'lookup' only when it costs fewer calls and no more time than finishing the scan. */
export function chooseUserResolution(i: UserLookupCostInput): 'scan' | 'lookup' {
  for (const [k, v] of Object.entries({ names: i.names, users: i.users, pagesRead: i.pagesRead ?? 0 })) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`Expected \`${k}\` to be an integer >= 0, got ${v}`);
  }
  if (i.names === 0) return 'scan';
  const scan = scanCost(i);
  const lookup = lookupCost(i);
  return lookup.calls < scan.calls && lookup.seconds <= scan.seconds ? 'lookup' : 'scan';
}
