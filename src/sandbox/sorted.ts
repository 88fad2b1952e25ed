/**
 * A string-keyed sorted index (binary search, in-place splice) so that 100,000 associations page in
 * O(log n + page) without re-sorting on every request.
 */
export class SortedIndex<T> {
  private keys: string[] = [];
  private values: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** First position whose key is > `key` (strictly after). */
  upperBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose key is >= `key`. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): T | undefined {
    const i = this.lowerBound(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  /** Inserts or replaces. */
  set(key: string, value: T): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) {
      this.values[i] = value;
      return;
    }
    this.keys.splice(i, 0, key);
    this.values.splice(i, 0, value);
  }

  delete(key: string): boolean {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) return false;
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
    return true;
  }

  keyAt(i: number): string {
    return this.keys[i];
  }

  valueAt(i: number): T {
    return this.values[i];
  }

  /** Bulk load (seeding): sorts once instead of n splices. */
  static from<T>(entries: Iterable<[string, T]>): SortedIndex<T> {
    const idx = new SortedIndex<T>();
    const all = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [k, v] of all) {
      if (idx.keys.length > 0 && idx.keys[idx.keys.length - 1] === k) {
        idx.values[idx.values.length - 1] = v;
        continue;
      }
      idx.keys.push(k);
      idx.values.push(v);
    }
    return idx;
  }
}

export interface Page<T> {
  items: T[];
  /** The key of the last item returned, when more items follow; undefined on the last page. */
  nextAfter?: string;
}

/**
 * Items after `after` (a cursor on the key, not an offset, so concurrent inserts and deletes cause
 * neither duplicates nor skips of items that exist throughout), up to `limit`, within [from, to).
 */
export function pageOf<T>(
  index: SortedIndex<T>,
  opts: { after?: string; limit: number; from?: string; to?: string; match?: (v: T) => boolean },
): Page<T> {
  let i = opts.after !== undefined ? index.upperBound(opts.after) : 0;
  if (opts.from !== undefined) i = Math.max(i, index.lowerBound(opts.from));
  const items: T[] = [];
  let lastKey: string | undefined;
  for (; i < index.size; i++) {
    const k = index.keyAt(i);
    if (opts.to !== undefined && k >= opts.to) break;
    const v = index.valueAt(i);
    if (opts.match !== undefined && !opts.match(v)) continue;
    if (items.length === opts.limit) return { items, nextAfter: lastKey };
    items.push(v);
    lastKey = k;
  }
  return { items };
}
