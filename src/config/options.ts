import { LoadOptionsError } from './errors.js';
import type { LoadOptions } from './types.js';

/** Files larger than this are refused unless LoadOptions.maxFileBytes says otherwise: 10 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * How many alias expansions a document may make (yaml's `maxAliasCount`, counted as yaml counts
 * them: uses of an anchor times the aliases nested inside it). 100 is yaml's own default: plenty
 * for reusing a list of ARNs a few times, far below what an alias bomb needs.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * How deeply collections may nest. A desired-state document needs 4; yaml's composer recurses per
 * level and overflows the stack near a thousand, so 100 is far from both.
 */
export const MAX_NESTING = 100;

/** AWS region names: us-east-1, eu-west-2, us-gov-west-1, ap-southeast-5, … */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+){1,2}-[0-9]$/;

export interface ResolvedOptions {
  defaultRegion: string | undefined;
  maxFileBytes: number;
}

/** Fills in defaults and fails fast (LoadOptionsError) on values that can only be a bug. */
export function resolveOptions(options: LoadOptions = {}): ResolvedOptions {
  const { defaultRegion, maxFileBytes = DEFAULT_MAX_FILE_BYTES } = options;
  if (defaultRegion !== undefined && (typeof defaultRegion !== 'string' || !REGION_PATTERN.test(defaultRegion))) {
    throw new LoadOptionsError(
      `Expected \`defaultRegion\` to be an AWS region such as us-east-1, got ${JSON.stringify(defaultRegion)}`,
    );
  }
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) {
    throw new LoadOptionsError(`Expected \`maxFileBytes\` to be an integer >= 1, got ${String(maxFileBytes)}`);
  }
  return { defaultRegion, maxFileBytes };
}
