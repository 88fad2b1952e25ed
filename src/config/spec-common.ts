/** Spec fields both kinds share: region, prune, and lists of ids. */
import type { ListedItem } from './model.js';
import { REGION_PATTERN } from './options.js';
import type { DocReader, Field, Value } from './reader.js';
import type { SourceLocation } from './types.js';

export interface RegionInfo {
  /** Effective region (spec.region ?? default). */
  region: string | undefined;
  /** False when spec.region is present but invalid: the document names no usable target. */
  ok: boolean;
  /** Where the effective region came from, for messages. */
  source: string;
}

export function readRegion(r: DocReader, field: Field | undefined, defaultRegion: string | undefined): RegionInfo {
  if (!field) return { region: defaultRegion, ok: true, source: 'the default region' };
  const region = r.string(field.value);
  if (region === undefined) return { region: undefined, ok: false, source: 'spec.region' };
  if (!REGION_PATTERN.test(region)) {
    r.error(field.value, `spec.region: '${region}' is not a valid AWS region (expected a name such as us-east-1)`);
    return { region: undefined, ok: false, source: 'spec.region' };
  }
  return { region, ok: true, source: 'spec.region' };
}

export function readPrune(r: DocReader, field: Field | undefined): { prune: boolean; pruneAt: SourceLocation | undefined } {
  if (!field) return { prune: false, pruneAt: undefined };
  const prune = r.boolean(field.value) ?? false;
  return { prune, pruneAt: prune ? field.value.at : undefined };
}

export interface ReadList {
  /** Valid items, each once, in the order first listed. */
  items: ListedItem[];
  /** How many items were written, valid or not. */
  written: number;
}

/**
 * Reads a list of strings. `check` reports its own error and returns false for an invalid item.
 * A repeated item is a warning at the repeat and is kept once. Undefined when not a list at all.
 */
export function readList(r: DocReader, field: Field, check: (value: string, item: Value) => boolean): ReadList | undefined {
  const written = r.sequence(field.value);
  if (!written) return undefined;
  const items: ListedItem[] = [];
  const first = new Map<string, Value>();
  for (const item of written) {
    const value = r.string(item);
    if (value === undefined || !check(value, item)) continue;
    const earlier = first.get(value);
    if (earlier) {
      r.problems.warning(item.at, `${item.path}: duplicate of ${earlier.path} (line ${earlier.at.line}); listed once`);
      continue;
    }
    first.set(value, item);
    items.push({ value, at: item.at });
  }
  return { items, written: written.length };
}

/**
 * An empty desired list without prune changes nothing: allowed, but worth a warning. With
 * prune: true it is meaningful: "remove everything from this target".
 */
export function warnIfNothingToAssociate(r: DocReader, field: Field, list: ReadList | undefined, prune: boolean): void {
  if (list && list.written === 0 && !prune) {
    r.problems.warning(field.value.at, `${field.value.path}: empty list and prune is not true: nothing to associate`);
  }
}

/** Checks a string's length in UTF-16 code units, as the AWS models count. */
export function checkLength(r: DocReader, v: Value, value: string, min: number, max: number): boolean {
  if (value.length < min) {
    r.error(v, `${v.path}: must not be empty`);
    return false;
  }
  if (value.length > max) {
    r.error(v, `${v.path}: is ${value.length} characters long; at most ${max} are allowed`);
    return false;
  }
  return true;
}
