/**
 * Typed, positioned access to a parsed YAML document. Every accessor reports what is wrong at the
 * node at fault, names the field path (`spec.resourceArns[3]`) and returns undefined, so the
 * schema code reads as a list of rules and keeps going after the first problem.
 */
import { isAlias, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ProblemList } from './problems.js';
import { closest } from './suggest.js';
import type { SourceLocation } from './types.js';

type Resolved = Scalar | YAMLMap | YAMLSeq;

/** A value: where it is written (an alias's own position), and what it is (aliases resolved). */
export interface Value {
  path: string;
  at: SourceLocation;
  node: Resolved | null;
  /** Written as an alias: `at` is the alias, and `node` is written elsewhere. */
  alias?: true;
}

/** One `key: value` entry of a mapping. */
export interface Field {
  name: string;
  keyAt: SourceLocation;
  /** The key as a value (its text is `name`). */
  key: Value;
  value: Value;
}

export interface FieldRules {
  known: readonly string[];
  required: readonly string[];
  /** A hint for an unknown field that no known field is close to (e.g. it belongs elsewhere). */
  hint?: (name: string) => string | undefined;
}

/**
 * Maps each alias to the node it stands for: the last node before it with that anchor, as YAML
 * (and yaml's Alias.resolve) defines it. One walk per document, instead of Alias.resolve's walk per
 * alias, keeps loading linear.
 */
export function resolveAliases(doc: Document.Parsed): Map<Alias, Resolved | undefined> {
  const anchors = new Map<string, Resolved>();
  const aliases = new Map<Alias, Resolved | undefined>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) aliases.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node as Resolved);
    },
  });
  return aliases;
}

export function quote(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

export function describe(node: Resolved | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  const v: unknown = node.value;
  if (v === null || v === undefined) return 'null (an empty value)';
  if (typeof v === 'string') return `a string ${quote(v)}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `a number (${node.source ?? String(v)})`;
  if (typeof v === 'boolean') return `a boolean (${String(v)})`;
  return `a ${typeof v}`;
}

export class DocReader {
  constructor(
    private readonly loc: (offset: number) => SourceLocation,
    private readonly aliases: Map<Alias, Resolved | undefined>,
    readonly problems: ProblemList,
  ) {}

  /** Wraps a raw yaml node; `fallback` is where to point when there is no node at all. */
  value(raw: unknown, path: string, fallback: SourceLocation): Value {
    if (raw === null || raw === undefined) return { path, at: fallback, node: null };
    const written = raw as { range?: [number, number, number] };
    const at = written.range ? this.loc(written.range[0]) : fallback;
    if (isAlias(raw)) return { path, at, node: this.aliases.get(raw) ?? null, alias: true };
    return { path, at, node: raw as Resolved };
  }

  error(v: { at: SourceLocation }, message: string): undefined {
    this.problems.error(v.at, message);
    return undefined;
  }

  /** The entries of a mapping, first occurrence of each key (yaml already reported duplicates). */
  mapping(v: Value): Field[] | undefined {
    if (!isMap(v.node)) return this.error(v, `${v.path}: must be a mapping, got ${describe(v.node)}`);
    const fields: Field[] = [];
    const seen = new Set<string>();
    for (const pair of v.node.items) {
      const key = this.value(pair.key, v.path, v.at);
      const keyPath = v.path ? `${v.path}: field name` : 'field name';
      if (!isScalar(key.node) || typeof key.node.value !== 'string') {
        this.error(key, `${keyPath} must be a string, got ${describe(key.node)}`);
        continue;
      }
      const name = key.node.value;
      if (seen.has(name)) continue;
      seen.add(name);
      const path = v.path ? `${v.path}.${name}` : name;
      const value = this.value(pair.value, path, key.at);
      // `key:` with nothing after it has no text of its own to point at: point at the key.
      if (isScalar(value.node) && value.node.value === null && !value.node.source) value.at = key.at;
      fields.push({ name, keyAt: key.at, key, value });
    }
    return fields;
  }

  /**
   * Checks a mapping against known and required field names. Unknown fields are errors at their
   * key; missing ones are one error at `missingAt` (the parent's key, or the document start).
   */
  fields(v: Value, rules: FieldRules, missingAt: SourceLocation): Map<string, Field> | undefined {
    const entries = this.mapping(v);
    if (!entries) return undefined;
    const byName = new Map<string, Field>();
    const prefix = v.path ? `${v.path}: ` : '';
    for (const f of entries) {
      if (rules.known.includes(f.name)) {
        byName.set(f.name, f);
        continue;
      }
      const near = closest(f.name, rules.known);
      const hint = near
        ? ` (did you mean '${near}'?)`
        : f.name === '<<'
          ? ' (YAML merge keys are not supported; write the fields out)'
          : (rules.hint?.(f.name) ?? '');
      this.problems.error(f.keyAt, `${prefix}unknown field '${f.name}'${hint}`);
    }
    const missing = rules.required.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      const list = missing.map((m) => `'${m}'`).join(', ');
      this.problems.error(missingAt, `${prefix}missing required field${missing.length > 1 ? 's' : ''} ${list}`);
    }
    return byName;
  }

  string(v: Value): string | undefined {
    const n = v.node;
    if (isScalar(n) && typeof n.value === 'string') return n.value;
    if (isScalar(n) && (typeof n.value === 'number' || typeof n.value === 'boolean' || typeof n.value === 'bigint')) {
      const text = n.source ?? String(n.value);
      return this.error(v, `${v.path}: must be a string, got ${describe(n)}; quote it: "${text}"`);
    }
    return this.error(v, `${v.path}: must be a string, got ${describe(n)}`);
  }

  boolean(v: Value): boolean | undefined {
    const n = v.node;
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    const quoted = isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') && (n.value === 'true' || n.value === 'false');
    const hint = quoted ? '; remove the quotes' : '';
    return this.error(v, `${v.path}: must be a boolean (true or false), got ${describe(n)}${hint}`);
  }

  sequence(v: Value): Value[] | undefined {
    if (isSeq(v.node)) return v.node.items.map((item, i) => this.value(item, `${v.path}[${i}]`, v.at));
    const hint = isScalar(v.node) && typeof v.node.value === 'string' ? '; write a YAML list, one "- item" per line' : '';
    return this.error(v, `${v.path}: must be a sequence (a YAML list), got ${describe(v.node)}${hint}`);
  }
}
