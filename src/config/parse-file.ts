/**
 * One file's text → its validated documents. YAML's own errors (syntax, duplicate keys) are kept
 * with their positions; aliases are bounded before any document is walked.
 */
import { Composer, Lexer, LineCounter, Parser, type CST, type Document, type YAMLError } from 'yaml';
import { readDocument } from './document.js';
import type { AnyDocument } from './model.js';
import { MAX_ALIAS_COUNT, MAX_NESTING } from './options.js';
import { fileStart, locator, type ProblemList } from './problems.js';
import { DocReader, resolveAliases } from './reader.js';
import type { SourceLocation } from './types.js';

export interface ParsedFile {
  documents: AnyDocument[];
  /** Non-empty documents in the file. */
  documentCount: number;
}

function yamlMessage(e: YAMLError, text: string): string {
  if (e.code === 'DUPLICATE_KEY') {
    // yaml's position covers only the key's first character; the key runs to its ':'.
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(text.slice(e.pos[0], e.pos[0] + 200))?.[1].trim() ?? '';
    return `duplicate key '${key}': keys must be unique within a mapping`;
  }
  return `YAML syntax error: ${e.message}`;
}

/** True for a document with nothing in it (`---` followed by another `---` or the end). */
function isEmpty(doc: Document.Parsed): boolean {
  const c = doc.contents as { value?: unknown; source?: string; anchor?: string; tag?: string } | null;
  return c === null || (c.value === null && c.source === '' && !c.anchor && !c.tag);
}

/**
 * Bounds aliases: every alias must name an anchor defined before it, and expanding the document
 * must stay within MAX_ALIAS_COUNT (yaml's own resource-exhaustion check). Returns false, having
 * reported why, when the document must not be walked.
 */
function checkAliases(doc: Document.Parsed, aliases: ReturnType<typeof resolveAliases>, at: (o: number) => SourceLocation, problems: ProblemList): boolean {
  if (aliases.size === 0) return true;
  let ok = true;
  for (const [alias, target] of aliases) {
    if (target) continue;
    problems.error(at(alias.range?.[0] ?? 0), `unknown alias '*${alias.source}': the anchor '&${alias.source}' must be defined before it`);
    ok = false;
  }
  if (!ok) return false;
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return true;
  } catch {
    // yaml does not say which alias crossed the limit; the first one is where expansion starts.
    const first = aliases.keys().next().value;
    problems.error(
      at(first?.range?.[0] ?? 0),
      `too many alias expansions (limit ${MAX_ALIAS_COUNT}): YAML aliases are bounded to stop alias bombs (exponential expansion)`,
    );
    return false;
  }
}

/**
 * yaml's composer recurses once per nesting level, so a file nested a few thousand levels deep
 * (`[[[[…`) ends in "Maximum call stack size exceeded". yaml's CST parser keeps an explicit
 * stack: drive it one lexeme at a time and refuse the file at the first lexeme that nests deeper
 * than MAX_NESTING, before anything recursive sees it. Returns the CST tokens, or the offset of
 * that lexeme. (The stack also holds the document and the token being read: two entries more than the depth.)
 */
function parseTokens(text: string, lineCounter: LineCounter): { tokens: CST.Token[] } | { tooDeepAt: number } {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0); // as Parser.parse does: line 1 starts at offset 0
  for (const lexeme of new Lexer().lex(text)) {
    const offset = parser.offset;
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_NESTING + 2) return { tooDeepAt: offset };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

/** yaml's parseAllDocuments, over tokens already parsed. */
function composeAll(tokens: CST.Token[]): Document.Parsed[] | { empty: true; errors: YAMLError[] } {
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false });
  const docs = Array.from(composer.compose(tokens)) as Document.Parsed[];
  return docs.length > 0 ? docs : { empty: true, errors: composer.streamInfo().errors };
}

export function parseFile(file: string, text: string, defaultRegion: string | undefined, problems: ProblemList): ParsedFile {
  const lineCounter = new LineCounter();
  const at = locator(file, lineCounter);
  const result: ParsedFile = { documents: [], documentCount: 0 };
  const parsed = parseTokens(text, lineCounter);
  if ('tooDeepAt' in parsed) {
    // The parser stopped early, so lineCounter may not know the line yet: count it here.
    const before = text.slice(0, parsed.tooDeepAt);
    const line = before.split('\n').length;
    const col = parsed.tooDeepAt - (before.lastIndexOf('\n') + 1) + 1;
    problems.error({ file, line, col }, `nesting deeper than ${MAX_NESTING} levels is not supported`);
    return result;
  }
  const docs = composeAll(parsed.tokens);
  if ('empty' in docs) {
    for (const e of docs.errors) problems.error(at(e.pos[0]), yamlMessage(e, text));
    problems.warning(fileStart(file), 'no YAML documents in this file (it is empty or only comments)');
    return result;
  }
  for (const doc of docs) {
    for (const e of doc.errors) problems.error(at(e.pos[0]), yamlMessage(e, text));
    for (const w of doc.warnings) problems.warning(at(w.pos[0]), `YAML: ${w.message}`);
    if (isEmpty(doc)) {
      if (doc.errors.length === 0) problems.warning(at(doc.range[0]), 'empty document');
      continue;
    }
    result.documentCount++;
    // After a syntax error the tree is a guess; only duplicate keys leave it sound (the reader
    // keeps the first of each key).
    if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) continue;
    const aliases = resolveAliases(doc);
    if (!checkAliases(doc, aliases, at, problems)) continue;
    const reader = new DocReader(at, aliases, problems);
    const root = reader.value(doc.contents, '', at(doc.range[0]));
    const parsed = readDocument(reader, root, defaultRegion);
    if (parsed) result.documents.push(parsed);
  }
  return result;
}
