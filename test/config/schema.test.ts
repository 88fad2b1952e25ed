/**
 * The JSON Schema (schema/desired-state.schema.json) and the loader never disagree: every
 * fixture, every problem case of the loader's tests and every example is held against both,
 * document by document: loader-valid ⇔ schema-valid. What JSON Schema cannot express (checks
 * across documents or across fields, YAML itself) is listed below, each with its reason; a
 * document whose only loader errors are of those kinds must pass the schema, and every listed
 * exception must still be needed by some fixture. (One more the schema cannot see and no fixture
 * has: a key that is not a string, such as `1: x` in labels or tags; YAML → JSON makes it "1". As
 * a spec field both reject it, as an unknown field.)
 *
 * The schema half is validated with ajv (draft 2020-12, strict).
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { loadDesiredStateFromText, type LoadOptions, type Problem } from '../../src/config/index.js';
import { cases as accounts } from './cases/accounts.js';
import { cases as asciiAllowEmpty } from './cases/ascii-allow-empty.js';
import { cases as columns } from './cases/columns.js';
import { cases as namesConnect } from './cases/names-connect.js';
import { cases as namesWorkspaces } from './cases/names-workspaces.js';
import { cases as nesting } from './cases/nesting.js';
import { cases as problemsDocument } from './cases/problems-document.js';
import { cases as problemsSpec } from './cases/problems-spec.js';
import { agentArn, CONNECT, edit, WORKSPACES, type ProblemCase } from './fixtures.js';
import { CONNECT_NAMES, WORKSPACES_SELECTED } from './fixtures-names.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMA_PATH = join(ROOT, 'schema', 'desired-state.schema.json');
const SCHEMA: Record<string, unknown> = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const EXAMPLE_DIRS = ['examples/connect', 'examples/workspaces', 'examples/accounts'];
const BY_ID_DIRS = ['test/fixtures/demo-by-id/connect', 'test/fixtures/demo-by-id/workspaces'];

interface Validate {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string }[] | null;
}

/** ajv's 2020-12 validator (a devDependency). */
function loadValidator(): Validate {
  // strict: unknown keywords, ignored keywords and untyped keywords are errors; strictRequired
  // would refuse `required` inside oneOf/anyOf, the idiom for "one of these fields".
  return new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(SCHEMA) as unknown as Validate;
}

/**
 * Loader errors that JSON Schema cannot express, so the schema accepts the document: each with
 * the reason. Matched on the message of an error located in the document.
 */
const BEYOND_SCHEMA: { match: RegExp; reason: string }[] = [
  { match: /^metadata\.name: duplicate \w+ name/, reason: 'metadata.name is unique per kind across all files: a check across documents' },
  { match: /ownership conflict/, reason: 'prune: true on a target another document names: a check across documents' },
  { match: /ARN belongs to instance \S+, not to spec\.instanceId/, reason: 'an ARN of another instance than spec.instanceId: a check across fields' },
  { match: /ARN is in region \S+ but the document's region is/, reason: "an ARN of another region than spec.region or --region: a check across fields and options" },
  { match: /an instance belongs to one account/, reason: 'ARNs of one document in two accounts: a check across list items' },
  { match: /^spec\.account: no Account document is named/, reason: 'spec.account names an Account document: a check across documents' },
  { match: /but spec\.account '[^']+' assumes/, reason: "an ARN or instance in another account than the Account's role: a check across documents" },
  { match: /already has Account/, reason: 'two Accounts of one AWS account: a check across documents' },
];

/** Why a file or document has no JSON value to validate; the loader must reject it. */
const NOT_JSON = {
  refused: 'the loader refuses the file before reading a document (too large, binary, nested too deeply)',
  yaml: 'YAML errors (syntax, duplicate keys): the document is not a JSON value',
  aliases: 'aliases that are unknown or expand too much: the document is not a bounded JSON value',
} as const;

const REFUSED_FILE = /^(file is .* are refused|binary file \(|not a UTF-8 text file|nesting deeper than \d+ levels)/;

interface Corpus {
  name: string;
  files: Record<string, string>;
  options?: LoadOptions;
}

function fromCases(source: string, cases: readonly ProblemCase[]): Corpus[] {
  return cases.map((tc) => ({
    name: `${source}: ${tc.reason}`,
    files: typeof tc.files === 'string' ? { 'a.yaml': tc.files } : tc.files,
    options: tc.options,
  }));
}

function exampleFiles(dirs: readonly string[] = EXAMPLE_DIRS): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}

const CORPUS: Corpus[] = [
  { name: 'fixture CONNECT', files: { 'a.yaml': CONNECT } },
  { name: 'fixture WORKSPACES', files: { 'a.yaml': WORKSPACES } },
  { name: 'fixture CONNECT_NAMES', files: { 'a.yaml': CONNECT_NAMES } },
  { name: 'fixture WORKSPACES_SELECTED', files: { 'a.yaml': WORKSPACES_SELECTED } },
  ...fromCases('accounts', accounts),
  ...fromCases('ascii-allow-empty', asciiAllowEmpty),
  ...fromCases('columns', columns),
  ...fromCases('names-connect', namesConnect),
  ...fromCases('names-workspaces', namesWorkspaces),
  ...fromCases('nesting', nesting),
  ...fromCases('problems-document', problemsDocument),
  ...fromCases('problems-spec', problemsSpec),
  { name: 'examples, loaded together', files: Object.fromEntries(exampleFiles().map((f) => [f, readFileSync(join(ROOT, f), 'utf8')])) },
  { name: 'the examples by id (test/fixtures/demo-by-id), loaded together', files: Object.fromEntries(exampleFiles(BY_ID_DIRS).map((f) => [f, readFileSync(join(ROOT, f), 'utf8')])) },
];

/** Hand-written documents both must reject, each for one reason. */
const INVALID: { reason: string; text: string }[] = [
  { reason: 'an unknown spec field (a typo of prune)', text: edit(CONNECT, ['  prune: false', '  prunne: false']) },
  { reason: 'an unknown top-level field', text: `${CONNECT}status: {}\n` },
  { reason: 'an unknown metadata field', text: edit(CONNECT, ['  name: support-floor', '  name: support-floor\n  namespace: x']) },
  { reason: 'both workspaceId and workspaceName', text: edit(CONNECT, ['  prune: false', '  workspaceName: Support floor\n  prune: false']) },
  { reason: 'neither workspaceId nor workspaceName', text: edit(CONNECT, ['  workspaceId: 9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff\n', '']) },
  { reason: 'a selector with bundleId and directoryId', text: edit(WORKSPACES_SELECTED, ['    - bundleId: wsb-0123456789', '    - bundleId: wsb-0123456789\n      directoryId: d-1234567890']) },
  { reason: 'a selector with userNames and tags', text: edit(WORKSPACES_SELECTED, ['      tags: {dept: eng}', '      tags: {dept: eng}\n      userNames: [jdoe]']) },
  { reason: 'a selector with tags and no directoryId', text: edit(WORKSPACES_SELECTED, ['    - bundleId: wsb-0123456789', '    - tags: {dept: eng}']) },
  { reason: 'an empty selector', text: edit(WORKSPACES_SELECTED, ['    - bundleId: wsb-0123456789', '    - {}']) },
  { reason: 'a userSelector that selects on nothing', text: edit(CONNECT_NAMES, ['    tags: {team: support}\n    routingProfiles: [Support Tier 1]\n', ''], [`    hierarchyGroupIds: [a1b2c3d4-0000-1111-2222-333344445555]\n`, '']) },
  { reason: 'the wrong apiVersion', text: edit(CONNECT, ['apiVersion: workspace-reconciler/v1', 'apiVersion: workspace-reconciler/v2']) },
  { reason: 'an unknown kind', text: edit(CONNECT, ['kind: ConnectWorkspaceAssociations', 'kind: ConnectWorkspaceAssociation']) },
  { reason: 'a spec field of the other kind', text: edit(WORKSPACES, ['  prune: false', `  instanceId: x\n  prune: false`]) },
  { reason: 'prune as a string', text: edit(CONNECT, ['  prune: false', '  prune: "false"']) },
  { reason: 'an uppercase ARN', text: edit(CONNECT, [agentArn(1), agentArn(1).replace('agent/0f1e', 'agent/0F1E')]) },
  { reason: 'a routing-profile name with a zero-width space', text: edit(CONNECT_NAMES, ['    - Basic Routing Profile', '    - Basic\u200b Routing Profile']) },
  { reason: 'a Cyrillic О in an instance id', text: edit(CONNECT, ['  instanceId: 4c1b', '  instanceId: 4c1\u041e']) },
  { reason: 'an Account without roleArn', text: 'apiVersion: workspace-reconciler/v1\nkind: Account\nmetadata: {name: prod}\nspec: {externalId: abc}\n' },
  { reason: 'an Account whose roleArn is a user', text: 'apiVersion: workspace-reconciler/v1\nkind: Account\nmetadata: {name: prod}\nspec: {roleArn: "arn:aws:iam::123456789012:user/x"}\n' },
  { reason: 'no WorkSpace at all (workspaceIds: [] and no selector)', text: edit(WORKSPACES, ['  workspaceIds: [ws-eng0000001, ws-eng0000002]', '  workspaceIds: []']) },
];

/** The offset of a 1-based line and column. */
function offsetOf(lc: LineCounter, line: number, col: number): number {
  return (lc.lineStarts[line - 1] ?? 0) + col - 1;
}

function isEmptyDoc(doc: Document.Parsed): boolean {
  const c = doc.contents as { value?: unknown; source?: string; anchor?: string; tag?: string } | null;
  return c === null || (c.value === null && c.source === '' && !c.anchor && !c.tag);
}

interface Verdict {
  where: string;
  loaderErrors: Problem[];
  /** The loader errors JSON Schema can express. */
  expressible: Problem[];
  /** Set when there is a JSON value to validate. */
  json?: { value: unknown };
}

/** Every document of a corpus entry, with what the loader said about it. */
function verdicts(entry: Corpus, used: Set<string>): Verdict[] {
  const result = loadDesiredStateFromText(
    Object.entries(entry.files).map(([file, text]) => ({ file, text })),
    entry.options,
  );
  const out: Verdict[] = [];
  for (const [file, text] of Object.entries(entry.files)) {
    const fileErrors = result.errors.filter((p) => p.file === file);
    if (fileErrors.some((p) => REFUSED_FILE.test(p.message))) {
      used.add(NOT_JSON.refused);
      out.push({ where: file, loaderErrors: fileErrors, expressible: fileErrors });
      continue;
    }
    const lc = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
    const list = (Array.isArray(docs) ? docs : []).filter((d) => !isEmptyDoc(d));
    const starts = list.map((d) => d.range[0]);
    const docOf = (p: Problem) => {
      const o = offsetOf(lc, p.line, p.col);
      let i = 0;
      while (i + 1 < starts.length && starts[i + 1] <= o) i++;
      return i;
    };
    list.forEach((doc, i) => {
      const loaderErrors = fileErrors.filter((p) => docOf(p) === i);
      const where = `${file}, document ${i + 1}`;
      if (doc.errors.length > 0) {
        used.add(NOT_JSON.yaml);
        out.push({ where, loaderErrors, expressible: loaderErrors });
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch {
        used.add(NOT_JSON.aliases);
        out.push({ where, loaderErrors, expressible: loaderErrors });
        return;
      }
      const expressible = loaderErrors.filter((p) => {
        const rule = BEYOND_SCHEMA.find((r) => r.match.test(p.message));
        if (rule) used.add(rule.reason);
        return !rule;
      });
      out.push({ where, loaderErrors, expressible, json: { value } });
    });
  }
  return out;
}

const show = (ps: Problem[]) => ps.map((p) => `  ${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n') || '  (none)';

describe('schema: the JSON Schema and the loader agree', () => {
  const validate = loadValidator();

  it('is a draft 2020-12 schema with a stable $id, shipped in the package', () => {
    assert.equal(SCHEMA.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(SCHEMA.$id, 'https://workspace-reconciler.dev/schema/v1/desired-state.schema.json');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    assert.ok(pkg.files.includes('schema'), 'package.json files ships schema/');
  });

  it('every example starts with a yaml-language-server line naming the schema by a relative path', () => {
    const files = exampleFiles();
    assert.equal(files.length, 6, files.join(', '));
    for (const f of files) {
      const first = readFileSync(join(ROOT, f), 'utf8').split('\n')[0];
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      assert.ok(m, `${f}: first line is ${JSON.stringify(first)}`);
      assert.equal(resolve(ROOT, dirname(f), m[1]), SCHEMA_PATH, `${f}: the path points at the schema`);
      assert.equal(relative(ROOT, resolve(ROOT, dirname(f), m[1])), 'schema/desired-state.schema.json');
    }
  });

  const used = new Set<string>();
  for (const entry of CORPUS) {
    it(entry.name, function () {
      const all = verdicts(entry, used);
      const check = validate;
      for (const v of all) {
        if (!v.json) {
          assert.ok(v.loaderErrors.length > 0, `${v.where}: the loader accepts a document that is not a JSON value`);
          continue;
        }
        const ok: boolean = check(v.json.value);
        const schemaErrors = (check.errors ?? []).map((e) => `  ${e.instancePath || '/'}: ${e.message ?? ''}`).join('\n');
        assert.equal(
          ok,
          v.expressible.length === 0,
          ok
            ? `${v.where}: the schema accepts a document the loader rejects for:\n${show(v.expressible)}`
            : `${v.where}: the schema rejects a document the loader accepts${v.loaderErrors.length ? ' (but for checks beyond the schema)' : ''}; schema errors:\n${schemaErrors}\nloader errors:\n${show(v.loaderErrors)}`,
        );
      }
    });
  }

  it('every exception is still needed by some fixture (none is stale)', function () {
    const listed = [...BEYOND_SCHEMA.map((r) => r.reason), ...Object.values(NOT_JSON)];
    assert.deepEqual(listed.filter((reason) => !used.has(reason)), []);
  });

  for (const tc of INVALID) {
    it(`both reject ${tc.reason}`, function () {
      const r = loadDesiredStateFromText([{ file: 'a.yaml', text: tc.text }]);
      assert.ok(r.errors.length > 0, 'the loader rejects it');
      const check = validate;
      const doc = parseAllDocuments(tc.text);
      assert.ok(Array.isArray(doc) && doc.length === 1);
      assert.equal(check(doc[0].toJS()), false, 'the schema rejects it');
    });
  }
});
