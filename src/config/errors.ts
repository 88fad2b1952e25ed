/**
 * Errors the loader throws. Bad *content* never throws: it becomes a Problem in the result. Only
 * a path that cannot be read at all, or a programming error in the options, ends the load early.
 */

/**
 * A path given on the command line (or a file found under it) cannot be read: it does not exist,
 * is not a regular file or directory, or the process may not read it. The message is one line,
 * fit to print as is: `cannot read 'x.yaml': no such file or directory`.
 */
export class InputPathError extends Error {
  override readonly name = 'InputPathError';

  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read '${path}': ${reason}`, options);
  }
}

/** A LoadOptions value is out of range (a caller's bug, not bad desired state). */
export class LoadOptionsError extends Error {
  override readonly name = 'LoadOptionsError';
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'file name too long',
};

/** Turns a Node fs error into an InputPathError with a short reason instead of Node's message. */
export function inputPathError(path: string, err: unknown): InputPathError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && REASONS[code]) ?? (err instanceof Error ? err.message : String(err));
  return new InputPathError(path, reason, { cause: err });
}
