/**
 * Exported desired state as plain data, and its YAML: one document per target, written with the
 * yaml library's Document API so that names travel as comments beside the ids they explain (a
 * comment is a node property there, never text pasted into YAML). Pure: no I/O, no clock; the
 * same input gives the same bytes, so an export committed to git diffs cleanly.
 */
import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { API_VERSION } from '../config/model.js';
import type { Kind } from '../model/desired.js';

/** One list item or scalar value, with what it is called (a comment beside it). */
export interface Entry {
  value: string;
  comment?: string;
}

export type SpecValue = string | boolean | Entry | readonly Entry[];

export interface ExportDocument {
  kind: Kind;
  /** metadata.name (see uniqueNames). */
  name: string;
  /** Comment lines at the top of the document, after the schema modeline. */
  about: string[];
  /** spec fields in the order they are written; lists are written one item per line. */
  spec: [string, SpecValue][];
}

/**
 * The text of every document, each starting with the yaml-language-server modeline naming
 * `schemaRef` (a path relative to the file, or a URL), so editors find the schema whichever
 * document the cursor is in.
 */
export function renderDocuments(docs: readonly ExportDocument[], schemaRef: string, header: readonly string[] = []): string {
  return docs.map((d, i) => renderDocument(d, schemaRef, i === 0 ? header : [], i > 0)).join('');
}

function renderDocument(d: ExportDocument, schemaRef: string, header: readonly string[], docStart: boolean): string {
  const spec = new YAMLMap<Scalar, unknown>();
  for (const [key, value] of d.spec) spec.add({ key: new Scalar(key), value: node(value) });
  const doc = new Document({ apiVersion: API_VERSION, kind: d.kind, metadata: { name: d.name } });
  (doc.contents as YAMLMap).set('spec', spec);
  // On the contents, not the document: with a `---` start marker a document's own comment is
  // printed before the marker, where a parser gives it to the previous document.
  (doc.contents as YAMLMap).commentBefore = [`yaml-language-server: $schema=${schemaRef}`, ...header, ...d.about].map((l) => ` ${commentText(l)}`).join('\n');
  doc.directives!.docStart = docStart ? true : null;
  return doc.toString({ lineWidth: 0 });
}

function node(value: SpecValue): unknown {
  if (typeof value === 'string' || typeof value === 'boolean') return new Scalar(value);
  if (isEntryList(value)) {
    const seq = new YAMLSeq();
    for (const e of value) seq.items.push(scalar(e));
    // An empty list is written `[]`: block style has no way to write one.
    seq.flow = value.length === 0;
    return seq;
  }
  return scalar(value);
}

function isEntryList(value: Entry | readonly Entry[]): value is readonly Entry[] {
  return Array.isArray(value);
}

function scalar(e: Entry): Scalar {
  const s = new Scalar(e.value);
  // Names a YAML 1.1 reader would take for a boolean or null (yes, off, ~) stay strings everywhere.
  if (YAML11_SPECIAL.test(e.value)) s.type = Scalar.QUOTE_DOUBLE;
  if (e.comment !== undefined) s.comment = ` ${commentText(e.comment)}`;
  return s;
}

const YAML11_SPECIAL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL)$/;

/**
 * A comment is one line of visible text: names come from AWS and may hold a line break or a
 * control character, which would end the comment and start YAML. Those are written as escapes.
 */
export function commentText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** metadata.name: lowercase alphanumerics, '-' and '.', starting and ending alphanumeric, ≤ 253. */
const NAME_MAX = 253;
const SLUG_MAX = 63;

/**
 * A metadata.name made of a name: accents dropped (é → e), anything else that is not a lowercase
 * letter or digit becomes '-'. Empty when nothing of the name survives (a name in another script).
 */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, '');
}

/**
 * Unique metadata.names, one per candidate, in order: the slug of its name; the slug of its id
 * where the name gives none; and where two candidates would share a name, each of them
 * suffixed with its id (ids are unique, so the suffixed names are too; a counter settles the rest).
 */
export function uniqueNames(candidates: readonly { name?: string; id: string }[]): string[] {
  const base = candidates.map((c) => slug(c.name ?? '') || slug(c.id) || 'target');
  const count = new Map<string, number>();
  for (const b of base) count.set(b, (count.get(b) ?? 0) + 1);
  const taken = new Set<string>();
  return base.map((b, i) => {
    let name = count.get(b)! > 1 ? join(b, slug(candidates[i]!.id)) : b;
    for (let n = 2; taken.has(name); n++) name = join(b, `${slug(candidates[i]!.id)}-${n}`);
    taken.add(name);
    return name;
  });
}

function join(a: string, b: string): string {
  const s = a && b ? `${a}-${b}` : a || b;
  return s.slice(0, NAME_MAX).replace(/[-.]+$/, '');
}
