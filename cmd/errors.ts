/**
 * The one place that maps failures to exit statuses (DESIGN.md "Command line").
 *   0  success / valid / converged
 *   1  error: bad input, bad usage, nothing or not everything attempted
 *   2  finished but not converged (apply), or changes present (plan --detailed-exitcode)
 */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES_OR_NOT_CONVERGED = 2;

/** Something the user must fix before anything can run (bad files, guard refusals): exit 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}
