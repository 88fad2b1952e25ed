/** Spec fields both kinds share: region, prune, lists of ids and of names, tag filters, and the checks of their text. */
import { isScalar } from 'yaml';
import type { ListedItem } from './model.js';
import { REGION_PATTERN } from './options.js';
import type { DocReader, Field, Value } from './reader.js';
import type { SourceLocation, TagsSpec } from './types.js';

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

/** Invisible characters that are not in LOOK_ALIKES: bidirectional controls, separators, fillers. */
const INVISIBLES: Record<number, string> = {
  0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK', 0x061c: 'ARABIC LETTER MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
  0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR', 0x034f: 'COMBINING GRAPHEME JOINER',
  0x115f: 'HANGUL CHOSEONG FILLER', 0x1160: 'HANGUL JUNGSEONG FILLER', 0x3164: 'HANGUL FILLER', 0xffa0: 'HALFWIDTH HANGUL FILLER',
};

function describeChar(cp: number, otherwise = '(not ASCII)'): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (LOOK_ALIKES[cp]) return `${hex} ${LOOK_ALIKES[cp]}`;
  if (INVISIBLES[cp]) return `${hex} ${INVISIBLES[cp]}`;
  if (cp >= 0xff01 && cp <= 0xff5e) return `${hex} FULLWIDTH '${String.fromCodePoint(cp - 0xfee0)}' (looks like '${String.fromCodePoint(cp - 0xfee0)}')`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return `${hex} (a control character)`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `${hex} (half of a surrogate pair, not a character)`;
  return `${hex} ${otherwise}`;
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
 * Characters no name should hold: controls (C0, DEL, C1), format characters (zero-width
 * space/joiners, soft hyphen, BOM, bidirectional controls, tag characters), line and paragraph
 * separators, and the fillers and joiners that render as nothing.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u034f\u115f\u1160\u3164\uffa0]/u;

/**
 * True when a name (as AWS spells it) can be written in a names list and read back the same: no
 * invisible or control character, no leading or trailing whitespace. checkName says why not.
 */
export function isWritableName(value: string): boolean {
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0xd800 && cp <= 0xdfff) || INVISIBLE.test(ch)) return false;
  }
  return !/^\s|\s$/.test(value);
}

/**
 * Names (usernames, routing-profile, workspace and application names, tags) may be any text,
 * but AWS compares them exactly: an invisible or control character, or whitespace at either
 * end, makes a name that looks right and matches nothing (and one that matches nothing holds a
 * target's removals). An error at the character. Lengths are checked by the caller.
 */
export function checkName(r: DocReader, v: Value, value: string, what: string): boolean {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    n++;
    const cp = value.codePointAt(i)!;
    const lone = cp >= 0xd800 && cp <= 0xdfff;
    if (lone || INVISIBLE.test(String.fromCodePoint(cp))) {
      r.problems.error(
        charAt(v, i),
        `${v.path}: ${what} contains ${describeChar(cp, '(an invisible character)')} at character ${n}; names may be any text but no invisible or control characters: retype it (AWS compares names exactly, so it would match nothing)`,
      );
      return false;
    }
    if (cp > 0xffff) i++;
  }
  const lead = /^\s+/.exec(value);
  if (lead) {
    r.problems.error(charAt(v, 0), `${v.path}: ${what} starts with whitespace; AWS compares names exactly: remove it`);
    return false;
  }
  const trail = /\s+$/.exec(value);
  if (trail) {
    r.problems.error(charAt(v, trail.index), `${v.path}: ${what} ends with whitespace; AWS compares names exactly: remove it`);
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

/** What a list holds: ids and ARNs (ASCII only) or names (any text, nothing invisible). */
export type Charset = 'ascii' | 'name';

/**
 * Reads a list of strings. `check` reports its own error and returns false for an invalid item.
 * A repeated item is a warning at the repeat and is kept once (names are compared exactly, as
 * ids are). Undefined when not a list at all.
 */
export function readList(
  r: DocReader,
  field: Field,
  check: (value: string, item: Value) => boolean,
  charset: Charset = 'ascii',
): ReadList | undefined {
  const written = r.sequence(field.value);
  if (!written) return undefined;
  const items: ListedItem[] = [];
  const first = new Map<string, Value>();
  const chars = (value: string, item: Value) =>
    charset === 'ascii' ? checkAscii(r, item, value, 'the item') : checkName(r, item, value, 'the name');
  for (const item of written) {
    const value = r.string(item);
    if (value === undefined || !chars(value, item) || !check(value, item)) continue;
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

/** A list field of a spec, as read (list undefined when it is not a list at all). */
export interface ListField {
  field: Field;
  list: ReadList | undefined;
}

/**
 * Nothing listed and no selector: without prune that changes nothing (allowed, but worth a
 * warning); with prune: true it means "remove everything from the target", which apply refuses
 * unless allowEmpty: true. `lists` are the desired-item lists present; `selector` says a
 * selector of desired items is present (it may match nothing, but that is known only online).
 * One warning, at the first of the lists.
 */
export function warnIfNothingToAssociate(r: DocReader, lists: readonly ListField[], selector: boolean, prune: boolean, allowEmpty = false): void {
  if (selector || lists.length === 0 || lists.some((l) => !l.list || l.list.written > 0)) return;
  const first = [...lists].sort((a, b) => a.field.value.at.line - b.field.value.at.line || a.field.value.at.col - b.field.value.at.col)[0];
  const what = lists.length === 1 ? `${first.field.value.path}: empty list` : `${lists.map((l) => l.field.value.path).join(', ')}: empty lists`;
  if (!prune) {
    r.problems.warning(first.field.value.at, `${what} and prune is not true: nothing to associate`);
  } else if (!allowEmpty) {
    r.problems.warning(
      first.field.value.at,
      `${what} with prune: true would remove every association of the target; apply refuses that unless the document sets allowEmpty: true`,
    );
  }
}

/**
 * Required fields, some of which may be given in one of several ways: each group is satisfied by
 * any of its names. One error at `at` naming every missing group (`'workspaceId' (or
 * 'workspaceName')`), as DocReader.fields reports plain required fields.
 */
export function checkRequired(r: DocReader, f: Map<string, Field>, at: SourceLocation, path: string, groups: readonly (readonly string[])[]): void {
  const missing = groups.filter((g) => !g.some((name) => f.has(name)));
  if (missing.length === 0) return;
  const q = (name: string) => `'${name}'`;
  const show = (g: readonly string[]) => {
    if (g.length === 1) return q(g[0]);
    const rest = g.slice(1).map(q);
    return `${q(g[0])} (or ${rest.length === 1 ? rest[0] : `${rest.slice(0, -1).join(', ')} or ${rest[rest.length - 1]}`})`;
  };
  r.problems.error(at, `${path}: missing required field${missing.length > 1 ? 's' : ''} ${missing.map(show).join(', ')}`);
}

/** Tag limits of one API: at most 50 tags; key and value lengths. */
export interface TagLimits {
  keyMax: number;
  valueMax: number;
}

export const MAX_TAGS = 50;

/**
 * A tag filter `{key: value, …}`: at least one tag (an empty filter would select everything),
 * at most 50, keys and values strings within the API's lengths and free of invisible characters.
 * Undefined when it is not a mapping or has no valid tag.
 */
export function readTags(r: DocReader, field: Field, limits: TagLimits): TagsSpec | undefined {
  const entries = r.mapping(field.value);
  if (!entries) return undefined;
  const path = field.value.path;
  if (entries.length === 0) {
    return r.error(field.value, `${path}: must hold at least one tag (key: value); leave it out to not filter on tags`);
  }
  if (entries.length > MAX_TAGS) {
    return r.error(field.value, `${path}: has ${entries.length} tags; at most ${MAX_TAGS} are allowed`);
  }
  const tags: TagsSpec['tags'] = [];
  let ok = true;
  for (const e of entries) {
    const key: Value = { ...e.key, path };
    const keyOk = checkName(r, key, e.name, 'a tag key') && checkTagKeyLength(r, key, e.name, limits.keyMax);
    const value = r.string(e.value);
    const valueOk = value !== undefined && (value === '' || checkName(r, e.value, value, 'the tag value')) && checkLength(r, e.value, value, 0, limits.valueMax);
    if (keyOk && valueOk) tags.push({ key: e.name, value: value!, at: e.keyAt });
    else ok = false;
  }
  return ok ? { at: field.value.at, tags } : undefined;
}

function checkTagKeyLength(r: DocReader, key: Value, name: string, max: number): boolean {
  if (name.length === 0) r.error(key, `${key.path}: a tag key must not be empty`);
  else if (name.length > max) r.error(key, `${key.path}: a tag key is ${name.length} characters long; at most ${max} are allowed`);
  return name.length > 0 && name.length <= max;
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
