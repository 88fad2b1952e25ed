/**
 * The export's YAML writer (src/export/document.ts), with no AWS: names that YAML would misread
 * (booleans, nulls, numbers, indicators, quotes, unicode) are read back by the loader exactly as
 * AWS spelt them, comments holding line breaks stay comments, metadata.names are valid and
 * unique, and every rendered document is accepted by the shipped JSON Schema too.
 */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText } from '../../src/config/index.js';
import type { ConnectIntent, WorkSpacesIntent } from '../../src/model/desired.js';
import { commentText, renderDocuments, slug, uniqueNames, type ExportDocument } from '../../src/export/document.js';
import { NameBook } from '../../src/export/names.js';
import { assertSchemaAccepts } from '../cli/export-world.js';

const INSTANCE = 'aaaa1111-2222-3333-4444-555566667777';
const ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/agent/u-1`;
const AWKWARD = ['yes', 'No', 'off', 'null', '~', '123', '1e3', '0x1F', '- dash', '#hash', 'a: b', 'a #b', "it's", '"quoted"', '[x]', '{y}', '*star', '&amp', '!tag', '%pct', '@at', '`tick', '|', '>', '?', 'José Núñez', 'Office – Ω', '日本語', 'x'.repeat(100)];

function connectDoc(name: string, users: string[], comment: string): ExportDocument {
  return {
    kind: 'ConnectWorkspaceAssociations',
    name,
    about: [`about ${comment}`],
    spec: [
      ['region', 'us-east-1'],
      ['instanceId', INSTANCE],
      ['workspaceName', { value: 'Support floor', comment }],
      ['resourceArns', [{ value: ARN, comment }]],
      ['users', users.map((value) => ({ value, comment }))],
      ['prune', true],
    ],
  };
}

describe('export: the YAML writer', () => {
  it('names YAML would misread are read back by the loader exactly as given, and the schema accepts them', () => {
    const docs: ExportDocument[] = [
      connectDoc('connect', AWKWARD, 'user jdoe'),
      {
        kind: 'WorkSpaceApplications',
        name: 'ws',
        about: [],
        spec: [['region', 'us-east-1'], ['workspaceIds', [{ value: 'ws-abcd1234ef' }]], ['applicationIds', []], ['applications', AWKWARD.map((value) => ({ value }))], ['prune', false]],
      },
    ];
    const text = renderDocuments(docs, '../schema/desired-state.schema.json', ['header']);
    const r = loadDesiredStateFromText([{ file: 'x.yaml', text }]);
    assert.deepEqual(r.errors, [], text);
    assert.deepEqual(r.warnings, [], text);
    const [connect, ws] = r.state!.intents as [ConnectIntent, WorkSpacesIntent];
    assert.deepEqual(connect.users.map((u) => u.value), AWKWARD);
    assert.deepEqual(connect.workspace, { ...connect.workspace, by: 'name', name: 'Support floor' });
    assert.equal(connect.prune, true);
    assert.deepEqual(ws.applications.map((a) => a.value), AWKWARD);
    assertSchemaAccepts(text);
  });

  it('a comment with a line break, a right-to-left override or a NUL stays one comment line', () => {
    const evil = 'jdoe\nprune: false\r\n\u202e\u0000';
    const text = renderDocuments([connectDoc('connect', ['jdoe'], evil)], 's.json');
    const r = loadDesiredStateFromText([{ file: 'x.yaml', text }]);
    assert.deepEqual(r.errors, [], text);
    assert.equal((r.state!.intents[0] as ConnectIntent).prune, true);
    assert.doesNotMatch(text, /^prune: false/m);
    assert.equal(commentText(evil), 'jdoe\\u000aprune: false\\u000d\\u000a\\u202e\\u0000');
  });

  it('every document starts with the modeline; the header comes once, at the top', () => {
    const text = renderDocuments([connectDoc('a', ['x'], 'c'), connectDoc('b', ['y'], 'c')], '../s.json', ['Exported.']);
    const parts = text.split(/^---\n/m);
    assert.equal(parts.length, 2);
    assert.match(parts[0]!, /^# yaml-language-server: \$schema=\.\.\/s\.json\n# Exported\.\n# about c\napiVersion:/);
    assert.match(parts[1]!, /^# yaml-language-server: \$schema=\.\.\/s\.json\n# about c\napiVersion:/);
  });

  const slugs: [string, string][] = [
    ['Support floor', 'support-floor'],
    ['Café ☕ #1', 'cafe-1'],
    ['Zoë', 'zoe'],
    ['--A..b--', 'a-b'],
    ['日本語', ''],
    ['x'.repeat(80), 'x'.repeat(63)],
  ];
  for (const [name, want] of slugs) it(`slug(${JSON.stringify(name).slice(0, 20)}) = '${want.slice(0, 20)}'`, () => assert.equal(slug(name), want));

  it('uniqueNames: the name; the id where the name gives none; both where names collide; always valid and unique', () => {
    const names = uniqueNames([
      { name: 'Support floor', id: 'w-1' },
      { name: 'Support floor', id: 'w-2' },
      { name: '日本語', id: 'W_3' },
      { name: 'support-floor-w-1', id: 'w-4' },
      { id: 'ws-abc' },
      { name: 'Zoë', id: 'ws-1' },
    ]);
    assert.deepEqual(names.slice(0, 3), ['support-floor-w-1', 'support-floor-w-2', 'w-3']);
    assert.equal(names[4], 'ws-abc');
    assert.equal(names[5], 'zoe');
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
  });
});

describe('export: NameBook (when a name may replace an id)', () => {
  const book = new NameBook(
    [
      { id: 'a', name: 'Basic' },
      { id: 'b', name: 'Basic' },
      { id: 'c', name: ' padded' },
      { id: 'd', name: 'Tier 1' },
      { id: 'e', name: 'x'.repeat(11) },
      { id: 'f', name: 'arn:x' },
    ],
    'routing profile',
    'instance i',
    10,
    { refused: (n) => (n.startsWith('arn:') ? 'an ARN' : undefined) },
  );
  const cases: [string, string, boolean][] = [
    ['d', 'a unique name', true],
    ['a', 'a name two resources share (the resolver would refuse it)', false],
    ['c', 'a name with surrounding whitespace (the loader would refuse it)', false],
    ['e', 'a name over the length limit', false],
    ['z', 'an id the list does not have', false],
    ['f', 'a name the loader would read as an ARN', false],
  ];
  for (const [id, reason, ok] of cases) it(`${ok ? 'writes' : 'keeps the id for'} ${reason}`, () => assert.equal(book.verdict(id).ok, ok));
  it('labels say why a name was not used', () => {
    assert.equal(book.label('a'), 'Basic (2 routing profiles of instance i are named so)');
    assert.equal(book.label('c'), '" padded" (the name has invisible characters or surrounding spaces)');
    assert.equal(book.label('z'), undefined);
  });
});
