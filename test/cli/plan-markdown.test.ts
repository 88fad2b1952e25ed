/**
 * `plan --output markdown` against the demo sandbox: the pull-request comment, parsed with a real
 * markdown parser (marked, GFM) and held to its structure: the summary paragraph first, then the
 * warnings, a table with one row per target and its counts, then a collapsed `<details>` block
 * per changed target holding a `diff` code block with names beside ids. Also: the same state gives
 * byte-identical markdown, user data cannot break the table, and --detailed-exitcode.
 */
import { marked } from 'marked';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agentArn, WORKSPACE } from './demo-world.js';
import { assertNoStackTrace, BY_ID, closedPort, EXAMPLES, FAST, mutatingCalls, perTest, ROOT, runCli } from './helpers.js';

/** The parts of marked's tokens these tests read (marked.lexer, GFM). */
interface Tok {
  type: string;
  raw: string;
  text?: string;
  lang?: string;
  tokens?: Tok[];
  items?: Tok[];
  header?: Cell[];
  rows?: Cell[][];
}
interface Cell {
  text: string;
  tokens: Tok[];
}
type Lexer = (markdown: string) => Tok[];

/** marked (a devDependency), GFM: tables, fenced code, raw HTML blocks. */
function loadLexer(): Lexer {
  return (md) => marked.lexer(md, { gfm: true }) as unknown as Tok[];
}

/** The blocks of a document, without the blank-line tokens between them. */
const blocks = (lex: Lexer, md: string) => lex(md).filter((t) => t.type !== 'space');

/** Inline tokens as the text a reader sees (escapes resolved, emphasis and code spans unwrapped). */
function plain(tokens: Tok[] | undefined): string {
  return (tokens ?? []).map((t) => (t.tokens ? plain(t.tokens) : t.type === 'br' ? '\n' : (t.text ?? ''))).join('');
}

const decodeHtml = (s: string) => s.replace(/&#64;/g, '@').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

interface Details {
  summary: string;
  diff: string[];
}

/** `<details><summary>…</summary>`, a ```diff block, `</details>`: each such triple of blocks. */
function detailsBlocks(bs: Tok[]): Details[] {
  const out: Details[] = [];
  bs.forEach((b, i) => {
    if (b.type !== 'html' || !b.raw.startsWith('<details>')) return;
    const m = /^<details><summary>(.*)<\/summary>\s*$/.exec(b.raw);
    assert.ok(m, `one line <details><summary>…</summary>: ${b.raw}`);
    const code = bs[i + 1];
    const close = bs[i + 2];
    assert.equal(code?.type, 'code', `a code block after ${b.raw}`);
    assert.equal(code.lang, 'diff');
    assert.equal(close?.type, 'html');
    assert.equal(close.raw.trim(), '</details>');
    out.push({ summary: decodeHtml(m[1]!), diff: (code.text ?? '').split('\n') });
  });
  return out;
}

interface Row {
  target: string;
  documents: string;
  counts: number[];
}

function tableRows(table: Tok): Row[] {
  assert.deepEqual(table.header?.map((c) => plain(c.tokens)), ['Target', 'Documents', 'Associate', 'Disassociate', 'Deploy', 'In flight', 'Failing']);
  return (table.rows ?? []).map((r) => ({ target: plain(r[0]!.tokens), documents: plain(r[1]!.tokens), counts: r.slice(2).map((c) => Number(plain(c.tokens))) }));
}

describe('cli: plan --output markdown', () => {
  const t = perTest({ sandbox: {} });

  describe('structure (parsed with marked)', () => {
    const lex = loadLexer();
    const parse = (md: string) => blocks(lex, md);

    it('summary paragraph, warnings, one table row per target with its counts, then a details block per changed target with names beside ids', async () => {
      const args = ['plan', ...EXAMPLES, '--max-prune', '1'];
      const text = await runCli(args, { env: t.env() });
      const r = await runCli([...args, '--output', 'markdown'], { env: t.env() });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const bs = parse(r.stdout);

      // 1. The summary: the text plan's `Plan: …` line, word for word, as the first paragraph.
      const planLine = text.stdout.split('\n').find((l) => l.startsWith('Plan: '));
      assert.equal(planLine, 'Plan: 40 to associate, 2 to disassociate, 7 deployments, 0 in flight, 0 to retry, 0 failing.');
      assert.equal(bs[0]!.type, 'paragraph');
      assert.equal(plain(bs[0]!.tokens), planLine);

      // 2. The guard warnings, before the table.
      assert.equal(bs[1]!.type, 'blockquote');
      const quote = bs[1]!.tokens ?? [];
      assert.equal(plain(quote[0]?.tokens).trim(), '[!WARNING]');
      const list = quote.find((q) => q.type === 'list');
      assert.deepEqual(list?.items?.map((i) => plain(i.tokens)), ['apply will refuse this plan: it removes 2 associations, more than --max-prune 1.']);

      // 3. The table: one row per target, sorted by key, with the plan's numbers.
      assert.equal(bs[2]!.type, 'table');
      const rows = tableRows(bs[2]!);
      assert.equal(rows.length, 11);
      const row = (part: string) => {
        const found = rows.filter((x) => x.target.includes(part));
        assert.equal(found.length, 1, `one row for ${part}: ${JSON.stringify(rows.map((x) => x.target))}`);
        return found[0]!;
      };
      const supervisors = row(WORKSPACE.supervisors);
      assert.equal(supervisors.target, `Connect workspace ${WORKSPACE.supervisors} Supervisors (instance 4c1b2f0e-1111-2222-3333-444455556666, us-east-1)`);
      assert.equal(supervisors.documents, 'supervisors (prune)');
      assert.deepEqual(supervisors.counts, [3, 1, 0, 0, 0]);
      const billing = row(WORKSPACE.billingDesk);
      assert.match(billing.target, /^Connect workspace 3e8a7b6c-\S+ Billing desk \(instance /, 'the workspace name beside its id');
      assert.equal(billing.documents, 'billing-desk');
      assert.deepEqual(billing.counts, [6, 0, 0, 0, 0]);
      assert.deepEqual(row('ws-cc00000001').counts, [2, 1, 1, 0, 0]);
      assert.deepEqual(row('ws-eng0000002').counts, [3, 0, 1, 0, 0]);
      // The columns add up to the summary line.
      const sum = (i: number) => rows.reduce((n, x) => n + x.counts[i]!, 0);
      assert.deepEqual([0, 1, 2, 3, 4].map(sum), [40, 2, 7, 0, 0]);

      // 4. A details block per changed target (all 11 here), after the table, in the table's order.
      const details = detailsBlocks(bs);
      assert.equal(details.length, 11);
      assert.ok(bs.findIndex((b) => b.type === 'html') > 2);
      assert.deepEqual(
        details.map((d) => /(?:workspace|WorkSpace) (\S+)/.exec(d.summary)?.[1]),
        rows.map((x) => /(?:workspace|WorkSpace) (\S+)/.exec(x.target)?.[1]),
      );
      const sup = details.find((d) => d.summary.includes(WORKSPACE.supervisors))!;
      assert.match(sup.summary, /← supervisors \[prune\]: 3 to associate, 1 to disassociate$/);
      assert.deepEqual(sup.diff.filter((l) => l.startsWith("- ")), [`- ${agentArn(20)} (user agent20)`], "a removal carries the name the observation returned");
      assert.equal(sup.diff.filter((l) => l.startsWith('+ ')).length, 3);
      const bill = details.find((d) => d.summary.includes(WORKSPACE.billingDesk))!;
      assert.match(bill.summary, /'Billing desk'/);
      assert.ok(bill.diff.includes(`+ ${agentArn(11)} (user agent11)`), bill.diff.join('\n'));
      assert.ok(bill.diff.some((l) => / \(routing profile Billing\)$/.test(l)), bill.diff.join('\n'));
      const eng = details.find((d) => d.summary.includes('ws-eng0000002'))!;
      assert.ok(eng.diff.includes('+ wsa-vscode0001 (Visual Studio Code)'), eng.diff.join('\n'));
      assert.ok(eng.diff.includes('~ deploy'));
      // Nothing after the last details block.
      assert.equal(bs.at(-1)!.raw.trim(), '</details>');
      assert.deepEqual(mutatingCalls(t.sb.calls), []);
    });

    it('names are user data: a workspace and a username full of markdown and HTML stay in their cell and read as written', async () => {
      const weird = 'Desk | one *two* <b>_x_</b> @team `y` [z](http://e.test) & \\';
      const seed = join(t.dir, 'seed.yaml');
      const demo = await readFile(join(ROOT, 'src', 'sandbox', 'demo-seed.yaml'), 'utf8');
      assert.ok(demo.includes('name: Billing desk\n'));
      await writeFile(seed, demo.replace('name: Billing desk\n', `name: ${JSON.stringify(weird)}\n`));
      await t.world({ seed });
      const file = join(t.dir, 'weird.yaml');
      await writeFile(
        file,
        'apiVersion: workspace-reconciler/v1\nkind: ConnectWorkspaceAssociations\nmetadata:\n  name: weird\nspec:\n  region: us-east-1\n' +
          `  instanceId: 4c1b2f0e-1111-2222-3333-444455556666\n  workspaceName: ${JSON.stringify(weird)}\n` +
          `  users: [agent11, ${JSON.stringify('no|body *x*')}]\n  prune: true\n`,
      );
      const r = await runCli(['plan', file, '--output', 'markdown'], { env: t.env() });
      // A name that resolves to nothing is an error of the desired state (exit 1), reported, not hidden.
      assert.equal(r.code, 1, r.stderr);
      const bs = parse(r.stdout);
      assert.equal(bs[0]!.type, 'paragraph');
      assert.equal(plain(bs[0]!.tokens), 'Plan: 1 to associate, 0 to disassociate, 0 deployments, 0 in flight, 0 to retry, 0 failing.');
      const warnings = bs[1]!.tokens?.find((q) => q.type === 'list')?.items?.map((i) => plain(i.tokens)) ?? [];
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(warnings[0]!, /^Connect workspace 3e8a7b6c-\S+ 'Desk \| one \*two\* <b>_x_<\/b> @team `y` \[z\]\(http:\/\/e\.test\) & \\' .*: user no\|body \*x\*: NameNotFound: /);
      assert.equal(bs[2]!.type, 'table');
      const rows = tableRows(bs[2]!);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.target, `Connect workspace ${WORKSPACE.billingDesk} ${weird} (instance 4c1b2f0e-1111-2222-3333-444455556666, us-east-1)`);
      assert.deepEqual(rows[0]!.counts, [1, 0, 0, 0, 0]);
      const [d] = detailsBlocks(bs);
      assert.ok(d!.summary.includes(`'${weird}'`), d!.summary);
      assert.ok(!/<summary>[^\n]*@/.test(r.stdout), 'no bare @ in the HTML of a summary');
      assert.ok(d!.diff.includes(`+ ${agentArn(11)} (user agent11)`), d!.diff.join('\n'));
      assert.ok(d!.diff.some((l) => l.startsWith('! user no|body *x*: NameNotFound: ')), d!.diff.join('\n'));
      assert.equal(bs.filter((b) => b.type === 'table').length, 1);
      assert.ok(!bs.some((b) => b.type === 'html' && /<b>/.test(b.raw)), 'no raw HTML from a name');
    });

    it('targets that cannot be observed: warned at the top with the hint, and in the table as not observed; exit 1', async () => {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      // By ids, so that every target is known before AWS is asked.
      const r = await runCli(['plan', ...BY_ID, '--output', 'markdown'], { env: t.env({ AWS_ENDPOINT_URL_CONNECT: dead, AWS_ENDPOINT_URL_WORKSPACES: dead, AWS_MAX_ATTEMPTS: '1' }) });
      assert.equal(r.code, 1);
      assertNoStackTrace(r.stderr);
      const bs = parse(r.stdout);
      assert.equal(plain(bs[0]!.tokens), 'Plan: 0 to associate, 0 to disassociate, 0 deployments, 0 in flight, 0 to retry, 0 failing.');
      const warnings = bs[1]!.tokens?.find((q) => q.type === 'list')?.items?.map((i) => plain(i.tokens)) ?? [];
      assert.equal(warnings.filter((w) => /^could not observe .*: ECONNREFUSED: .*; nothing is planned for it\.$/.test(w)).length, 11, warnings.join('\n'));
      assert.ok(warnings.at(-1)!.startsWith('hint: the AWS endpoint cannot be reached'));
      const rows = tableRows(bs[2]!);
      assert.equal(rows.length, 11);
      assert.ok(rows.every((x) => x.target.endsWith(' not observed')));
      assert.deepEqual(detailsBlocks(bs), []);
    });
  });

  it('is stable: two plans of the same state are byte-identical', async () => {
    const args = ['plan', ...EXAMPLES, '--output', 'markdown'];
    const a = await runCli(args, { env: t.env() });
    const b = await runCli(args, { env: t.env() });
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.includes('<details>'));
    assert.equal(b.stdout, a.stdout);
  });

  it('--detailed-exitcode: 2 while there are changes; 0 with "no changes" once converged, never 2', async () => {
    const before = await runCli(['plan', ...EXAMPLES, '--output', 'markdown', '--detailed-exitcode'], { env: t.env() });
    assert.equal(before.code, 2, before.stderr);
    const apply = await runCli(['apply', ...EXAMPLES, ...FAST], { env: t.env() });
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    const after = await runCli(['plan', ...EXAMPLES, '--output', 'markdown', '--detailed-exitcode'], { env: t.env() });
    assert.equal(after.code, 0, after.stdout + after.stderr);
    const lines = after.stdout.split('\n');
    assert.equal(lines[0], '**Plan: 0 to associate, 0 to disassociate, 0 deployments, 0 in flight, 0 to retry, 0 failing; 11 targets unchanged.**');
    assert.ok(lines.includes('No changes: AWS already matches the desired state.'));
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Target '));
    assert.equal(rows.length, 11);
    assert.ok(rows.every((l) => l.endsWith(' | 0 | 0 | 0 | 0 | 0 |')), rows.join('\n'));
    assert.ok(!after.stdout.includes('<details>'));
    assert.ok(!after.stdout.includes('[!WARNING]'));
  });

  it('only plan takes markdown: apply --output markdown is a usage error, exit 1, nothing on stdout', async () => {
    const r = await runCli(['apply', ...EXAMPLES, '--output', 'markdown'], { env: t.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], "error: option '--output <format>' argument 'markdown' is invalid. expected text or json, got 'markdown' (markdown is for plan only)");
    assert.equal(r.stdout, '');
    assert.deepEqual(t.sb.calls, []);
    const p = await runCli(['plan', ...EXAMPLES, '--output', 'html'], { env: t.env() });
    assert.equal(p.code, 1);
    assert.equal(p.stderr.split('\n')[0], "error: option '--output <format>' argument 'html' is invalid. expected text, json or markdown, got 'html'");
  });
});
