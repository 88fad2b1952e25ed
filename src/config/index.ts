/** Desired state: YAML files → validated, normalized targets and intents with source positions. */
export { loadDesiredState, loadDesiredStateFromText, type SourceText } from './load.js';
export { isConcrete } from './intents.js';
export { InputPathError, LoadOptionsError } from './errors.js';
export { DEFAULT_MAX_FILE_BYTES, MAX_ALIAS_COUNT } from './options.js';
export * from './types.js';
