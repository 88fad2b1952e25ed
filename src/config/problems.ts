import type { LineCounter } from 'yaml';
import type { Problem, SourceLocation } from './types.js';

/** Collects every problem of a load; nothing stops at the first one. */
export class ProblemList {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];

  error(at: SourceLocation, message: string): void {
    this.errors.push({ file: at.file, line: at.line, col: at.col, severity: 'error', message });
  }

  warning(at: SourceLocation, message: string): void {
    this.warnings.push({ file: at.file, line: at.line, col: at.col, severity: 'warning', message });
  }

  /**
   * Orders problems as a reader scans the files: by file (in the order the files were read),
   * then line, then column. Cross-document problems are found late but belong where they point.
   */
  sorted(fileOrder: readonly string[]): { errors: Problem[]; warnings: Problem[] } {
    const rank = new Map(fileOrder.map((f, i) => [f, i]));
    const cmp = (a: Problem, b: Problem): number =>
      (rank.get(a.file) ?? Infinity) - (rank.get(b.file) ?? Infinity) || a.line - b.line || a.col - b.col;
    // Array.prototype.sort is stable, so problems at one position keep the order they were found in.
    return { errors: [...this.errors].sort(cmp), warnings: [...this.warnings].sort(cmp) };
  }
}

/** The start of a file, for problems about the file as a whole. */
export function fileStart(file: string): SourceLocation {
  return { file, line: 1, col: 1 };
}

/** Maps offsets of one file to 1-based positions. */
export function locator(file: string, lineCounter: LineCounter): (offset: number) => SourceLocation {
  return (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    // linePos answers line 0 only for an empty source; keep positions 1-based regardless.
    return { file, line: Math.max(line, 1), col: Math.max(col, 1) };
  };
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}
