/** Spec fields both kinds share: region, prune, and lists of ids. */
import { isScalar } from 'yaml';
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
  if (region === undefined || !checkAscii(r, field.value, region, 'the region')) return { region: undefined, ok: false, source: 'spec.region' };
  if (!REGION_PATTERN.test(region)) {
    r.error(field.value, `spec.region: '${region}' is not a valid AWS region (expected a name such as us-east-1)`);
    return { region: undefined, ok: false, source: 'spec.region' };
  }
  return { region, ok: true, source: 'spec.region' };
}

/** `allowEmpty: true`: prune may empty the target (otherwise the reconciler refuses that). */
export function readAllowEmpty(r: DocReader, field: Field | undefined): boolean {
  return field ? (r.boolean(field.value) ?? false) : false;
}

/** Characters that pass for ASCII ones in an editor or a diff, by code point. */
const LOOK_ALIKES: Record<number, string> = {
  0x200b: 'ZERO WIDTH SPACE', 0x200c: 'ZERO WIDTH NON-JOINER', 0x200d: 'ZERO WIDTH JOINER', 0x2060: 'WORD JOINER',
  0xfeff: 'BYTE ORDER MARK (ZERO WIDTH NO-BREAK SPACE)', 0x00ad: 'SOFT HYPHEN', 0x00a0: 'NO-BREAK SPACE',
  0x2010: "HYPHEN (looks like '-')", 0x2011: "NON-BREAKING HYPHEN (looks like '-')", 0x2013: "EN DASH (looks like '-')", 0x2212: "MINUS SIGN (looks like '-')",
  0x0410: "CYRILLIC CAPITAL LETTER A (looks like 'A')", 0x0412: "CYRILLIC CAPITAL LETTER VE (looks like 'B')", 0x0415: "CYRILLIC CAPITAL LETTER IE (looks like 'E')",
  0x041a: "CYRILLIC CAPITAL LETTER KA (looks like 'K')", 0x041c: "CYRILLIC CAPITAL LETTER EM (looks like 'M')", 0x041d: "CYRILLIC CAPITAL LETTER EN (looks like 'H')",
  0x041e: "CYRILLIC CAPITAL LETTER O (looks like 'O')", 0x0420: "CYRILLIC CAPITAL LETTER ER (looks like 'P')", 0x0421: "CYRILLIC CAPITAL LETTER ES (looks like 'C')",
  0x0422: "CYRILLIC CAPITAL LETTER TE (looks like 'T')", 0x0425: "CYRILLIC CAPITAL LETTER HA (looks like 'X')", 0x0430: "CYRILLIC SMALL LETTER A (looks like 'a')",
  0x0435: "CYRILLIC SMALL LETTER IE (looks like 'e')", 0x043e: "CYRILLIC SMALL LETTER O (looks like 'o')", 0x0440: "CYRILLIC SMALL LETTER ER (looks like 'p')",
  0x0441: "CYRILLIC SMALL LETTER ES (looks like 'c')", 0x0443: "CYRILLIC SMALL LETTER U (looks like 'y')", 0x0445: "CYRILLIC SMALL LETTER HA (looks like 'x')",
  0x0456: "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (looks like 'i')", 0x03bf: "GREEK SMALL LETTER OMICRON (looks like 'o')", 0x039f: "GREEK CAPITAL LETTER OMICRON (looks like 'O')",
};

function describeChar(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (LOOK_ALIKES[cp]) return `${hex} ${LOOK_ALIKES[cp]}`;
  if (cp >= 0xff01 && cp <= 0xff5e) return `${hex} FULLWIDTH '${String.fromCodePoint(cp - 0xfee0)}' (looks like '${String.fromCodePoint(cp - 0xfee0)}')`;
  if (cp < 0x20 || cp === 0x7f) return `${hex} (a control character)`;
  return `${hex} (not ASCII)`;
}

/**
 * Ids and ARNs are ASCII. A look-alike letter (Cyrillic О for O), an invisible character
 * (zero-width space, BOM, soft hyphen) or a fullwidth mark names nothing real in AWS, and with
 * prune: true the real resource it was meant to be would be removed: an error at the character.
 * Runs before any pattern check, so the message is about the character, not the pattern.
 */
export function checkAscii(r: DocReader, v: Value, value: string, what: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    const cp = value.codePointAt(i)!;
    r.problems.error(charAt(v, i), `${v.path}: ${what} contains ${describeChar(cp)} at character ${i + 1}; ids and ARNs are ASCII only: retype it (such an item names nothing real, and with prune: true the resource it was meant to be would be removed)`);
    return false;
  }
  return true;
}

/**
 * The position of character `i` of a scalar written on one line, plain or single-quoted (where
 * each `'` of the value is written `''`). Anything else (double quotes, which may hold escapes
 * such as \u200b; block and multi-line scalars; an alias, whose value is written elsewhere):
 * the scalar's own position, since the column cannot be known.
 */
export function charAt(v: Value, i: number): SourceLocation {
  const n = v.node;
  if (v.alias || !isScalar(n) || typeof n.value !== 'string' || !n.range) return v.at;
  const value = n.value;
  const written = n.range[1] - n.range[0];
  if ((n.type === 'PLAIN' || n.type === undefined) && written === value.length) return { ...v.at, col: v.at.col + i };
  if (n.type === 'QUOTE_SINGLE') {
    const quotes = (s: string) => s.split("'").length - 1;
    if (written === value.length + 2 + quotes(value)) return { ...v.at, col: v.at.col + 1 + i + quotes(value.slice(0, i)) };
  }
  return v.at;
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
    if (value === undefined || !checkAscii(r, item, value, 'the item') || !check(value, item)) continue;
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
export function warnIfNothingToAssociate(r: DocReader, field: Field, list: ReadList | undefined, prune: boolean, allowEmpty = false): void {
  if (list && list.written === 0 && !prune) {
    r.problems.warning(field.value.at, `${field.value.path}: empty list and prune is not true: nothing to associate`);
  }
  if (list && list.written === 0 && prune && !allowEmpty) {
    r.problems.warning(
      field.value.at,
      `${field.value.path}: empty list with prune: true would remove every association of the target; apply refuses that unless the document sets allowEmpty: true`,
    );
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
