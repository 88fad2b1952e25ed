/**
 * The loader's entry points: paths (or in-memory texts) → a validated, normalized DesiredState,
 * or every problem found in every file. Bad content never throws; only unreadable paths do.
 */
import { FOREIGN_FILE_WARNING, isForeignYaml } from './foreign.js';
import { BINARY, collectFiles, readTextFile, tooLarge } from './files.js';
import type { ParsedAccount, ParsedDocument } from './model.js';
import { checkAccounts } from './accounts.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { parseFile } from './parse-file.js';
import { buildIntents, isConcrete } from './intents.js';
import { fileStart, ProblemList } from './problems.js';
import { buildTargets, checkUniqueNames } from './targets.js';
import type { LoadOptions, LoadResult } from './types.js';

/** A file's contents, or why it could not be used (too large, binary, not UTF-8). */
export interface SourceText {
  file: string;
  text: string;
  /** sha256 (hex) of the bytes the text was read from, when read from a file. */
  sha256?: string;
}

type Source = (SourceText & { walked?: boolean }) | { file: string; refused: string };

/** `fromDisk`: the sources were read from files, and the result carries their digests. */
function load(sources: readonly Source[], options: ResolvedOptions, fromDisk = false): LoadResult {
  const problems = new ProblemList();
  const documents: ParsedDocument[] = [];
  const accountDocs: ParsedAccount[] = [];
  let documentCount = 0;
  const skipped = new Set<string>();
  for (const source of sources) {
    if ('refused' in source) {
      problems.error(fileStart(source.file), source.refused);
      continue;
    }
    if (source.walked && isForeignYaml(source.text)) {
      problems.warning(fileStart(source.file), FOREIGN_FILE_WARNING);
      skipped.add(source.file);
      continue;
    }
    const parsed = parseFile(source.file, source.text, options.defaultRegion, problems);
    for (const d of parsed.documents) {
      if (d.kind === 'Account') accountDocs.push(d);
      else documents.push(d);
    }
    documentCount += parsed.documentCount;
  }
  checkUniqueNames([...documents, ...accountDocs], problems);
  const accounts = checkAccounts(documents, accountDocs, problems);
  const targets = buildTargets(documents, accounts, problems);
  const intents = buildIntents(documents, accounts);
  const { errors, warnings } = problems.sorted(sources.map((s) => s.file));
  // Skipped files are not part of the desired state (nor of the daemon's file-loss check).
  const digests = fromDisk ? { digests: sources.flatMap((s) => ('sha256' in s && s.sha256 !== undefined && !skipped.has(s.file) ? [{ file: s.file, sha256: s.sha256 }] : [])) } : {};
  if (errors.length > 0) return { errors, warnings, ...digests };
  const files = sources.map((s) => s.file).filter((f) => !skipped.has(f));
  // With Account documents, documents of the default credentials are bound to its real account online.
  const needsResolution = intents.some((i) => !isConcrete(i)) || accounts.size > 0;
  return { state: { targets, intents, accounts: [...accounts.values()], needsResolution, documentCount, files }, errors, warnings, ...digests };
}

/**
 * Loads desired state from files and directories: a file is read whatever its name; a directory
 * contributes every *.yaml / *.yml below it (skipping names that start with '.'), sorted by path,
 * except files that are plainly not ours (foreign.ts): those are skipped with a warning.
 *
 * @throws InputPathError when a path does not exist or cannot be read.
 * @throws LoadOptionsError when an option is out of range.
 */
export async function loadDesiredState(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const resolved = resolveOptions(options);
  const sources: Source[] = [];
  for (const { file, walked } of await collectFiles(paths)) {
    const read = await readTextFile(file, resolved.maxFileBytes);
    sources.push(read.ok ? { file, text: read.text, sha256: read.sha256, walked } : { file, refused: read.problem });
  }
  return load(sources, resolved, true);
}

/**
 * The same load from texts in memory, in the order given (for tests, and for callers that
 * already hold the files). The size limit and the binary check apply as to files.
 *
 * @throws LoadOptionsError when an option is out of range.
 */
export function loadDesiredStateFromText(files: readonly SourceText[], options: LoadOptions = {}): LoadResult {
  const resolved = resolveOptions(options);
  const sources = files.map((f): Source => {
    const size = Buffer.byteLength(f.text, 'utf8');
    if (size > resolved.maxFileBytes) return { file: f.file, refused: tooLarge(size, resolved.maxFileBytes) };
    if (f.text.includes('\0')) return { file: f.file, refused: BINARY };
    return f;
  });
  return load(sources, resolved);
}
