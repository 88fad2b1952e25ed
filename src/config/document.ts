/** One YAML document → a ParsedDocument: top-level fields, metadata, then the kind's spec. */
import { isMap, isScalar } from 'yaml';
import { ACCOUNT_SPEC_FIELDS, readAccountSpec } from './account-spec.js';
import { CONNECT_SPEC_FIELDS, readConnectSpec } from './connect-spec.js';
import { API_VERSION, KINDS, type AnyDocument } from './model.js';
import { describe, quote, type DocReader, type Field, type Value } from './reader.js';
import { closest } from './suggest.js';
import type { Kind, SourceLocation } from './types.js';
import { WORKSPACES_SPEC_FIELDS, readWorkSpacesSpec } from './workspaces-spec.js';

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
const METADATA_FIELDS = ['name', 'labels'] as const;

/** metadata.name: lowercase alphanumerics, '-' and '.', starting and ending alphanumeric. */
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NAME_MAX = 253;

/** Where a field misplaced at the wrong level belongs, e.g. `region` at the top → spec.region. */
function elsewhere(name: string, here: string): string | undefined {
  const places: [string, readonly string[]][] = [
    ['', TOP_FIELDS],
    ['metadata', METADATA_FIELDS],
    ['spec', [...CONNECT_SPEC_FIELDS, ...WORKSPACES_SPEC_FIELDS, ...ACCOUNT_SPEC_FIELDS]],
  ];
  for (const [place, fields] of places) {
    if (place !== here && fields.includes(name)) return ` (it belongs under ${place ? `'${place}'` : 'the top level'})`;
  }
  return undefined;
}

function otherKindHint(kind: Kind | 'Account', name: string): string | undefined {
  if (kind === 'Account') {
    return [...CONNECT_SPEC_FIELDS, ...WORKSPACES_SPEC_FIELDS].includes(name as never) ? ' (an Account holds only roleArn, externalId and sessionName; targets name it with spec.account)' : undefined;
  }
  if ((ACCOUNT_SPEC_FIELDS as readonly string[]).includes(name)) return ' (that field belongs to kind Account; name an Account here with spec.account)';
  const other: readonly string[] = kind === 'ConnectWorkspaceAssociations' ? WORKSPACES_SPEC_FIELDS : CONNECT_SPEC_FIELDS;
  if (!other.includes(name)) return undefined;
  const otherKind = kind === 'ConnectWorkspaceAssociations' ? 'WorkSpaceApplications' : 'ConnectWorkspaceAssociations';
  return ` (that field belongs to kind ${otherKind})`;
}

function readApiVersion(r: DocReader, field: Field | undefined): void {
  if (!field) return;
  const v = r.string(field.value);
  if (v !== undefined && v !== API_VERSION) r.error(field.value, `apiVersion: must be '${API_VERSION}', got ${quote(v)}`);
}

function readKind(r: DocReader, field: Field | undefined): Kind | 'Account' | undefined {
  if (!field) return undefined;
  const v = r.string(field.value);
  if (v === undefined) return undefined;
  if ((KINDS as readonly string[]).includes(v)) return v as Kind | 'Account';
  const near = closest(v, KINDS);
  const hint = near ? `did you mean '${near}'?` : `expected ${KINDS.slice(0, -1).join(', ')} or ${KINDS.at(-1)}`;
  return r.error(field.value, `kind: unknown kind ${quote(v)} (${hint})`);
}

function readLabels(r: DocReader, field: Field | undefined): void {
  if (!field) return;
  for (const label of r.mapping(field.value) ?? []) r.string(label.value);
}

function readName(r: DocReader, field: Field | undefined): { name: string; at: SourceLocation } | undefined {
  if (!field) return undefined;
  const name = r.string(field.value);
  if (name === undefined) return undefined;
  if (name.length > NAME_MAX) {
    return r.error(field.value, `metadata.name: is ${name.length} characters long; at most ${NAME_MAX} are allowed`);
  }
  if (!NAME_PATTERN.test(name)) {
    return r.error(
      field.value,
      `metadata.name: ${quote(name)} is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
    );
  }
  return { name, at: field.value.at };
}

function readMetadata(r: DocReader, field: Field | undefined) {
  if (!field) return undefined;
  const f = r.fields(field.value, { known: METADATA_FIELDS, required: ['name'], hint: (n) => elsewhere(n, 'metadata') }, field.keyAt);
  if (!f) return undefined;
  readLabels(r, f.get('labels'));
  return readName(r, f.get('name'));
}

/**
 * Validates a document; every problem goes to the reader's ProblemList. Returns the document when
 * its kind and name are valid (so it can take part in the checks across documents), even if
 * other parts of it are wrong. A document's location (DocumentRef.location) is where its
 * metadata.name value is written: the place that identifies it in "also defined at" messages.
 */
export function readDocument(r: DocReader, root: Value, defaultRegion: string | undefined): AnyDocument | undefined {
  if (!isMap(root.node)) {
    const hint = isScalar(root.node) && typeof root.node.value === 'string' ? '; is this a desired-state file?' : '';
    return r.error(root, `document must be a mapping with apiVersion, kind, metadata and spec, got ${describe(root.node)}${hint}`);
  }
  const f = r.fields(root, { known: TOP_FIELDS, required: TOP_FIELDS, hint: (n) => elsewhere(n, '') }, root.at);
  if (!f) return undefined;
  readApiVersion(r, f.get('apiVersion'));
  const kind = readKind(r, f.get('kind'));
  const name = readMetadata(r, f.get('metadata'));
  const specField = f.get('spec');
  if (kind === undefined) return undefined;
  const hint = (n: string) => otherKindHint(kind, n) ?? elsewhere(n, 'spec');
  const ref = name && { name: name.name, location: name.at };
  if (kind === 'Account') {
    const spec = specField && readAccountSpec(r, specField.value, specField.keyAt, hint);
    return ref && { kind, ref: { kind, ...ref }, spec };
  }
  if (kind === 'ConnectWorkspaceAssociations') {
    const spec = specField && readConnectSpec(r, specField.value, specField.keyAt, defaultRegion, hint);
    return ref && { kind, ref: { kind, ...ref }, spec };
  }
  const spec = specField && readWorkSpacesSpec(r, specField.value, specField.keyAt, defaultRegion, hint);
  return ref && { kind, ref: { kind, ...ref }, spec };
}
