/**
 * `plan --output markdown`: the plan as a pull-request comment. In this order: the summary line
 * (the text plan's `Plan: …` line), the guard warnings, a table of targets with their counts, then
 * each target's changes in a collapsed `<details>` block holding a fenced `diff` (so `+`/`-`
 * lines colour). A pure function of its input: sorted, no clock, no durations, so two plans of the
 * same state are byte-identical and a bot can tell "nothing new" from "changed".
 *
 * Names are user data: table cells and list items escape what markdown would read as syntax,
 * the `<summary>` escapes HTML, and every line is kept on one line.
 */
import type { Failure } from '../src/reconciler/reconciler.js';
import { hasChanges } from '../src/reconciler/plan.js';
import type { Plan, Target, TargetPlan } from '../src/reconciler/types.js';
import { count } from './desired.js';
import { changeLines, describeTarget, guardLines, hints, planSummaryLine, targetLines } from './render.js';
import type { ObserveError } from './render.js';

/** Code-unit order, the same on every machine and locale. */
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One line: a newline in user data would end a table row, a list item or the HTML block. */
const oneLine = (s: string) => s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');

/**
 * Text for a table cell or a list item, shown as written: backslash before every character that
 * markdown (GFM) could read as syntax in the middle of a line (`|` ends a cell; `*`, `_`, `~`,
 * `` ` ``, `[`, `<`, `&` would format, link, open HTML or an entity; `@` would mention someone in
 * a pull request). No escaped text starts a line here, so `#`, `-` and `+` need nothing.
 */
export function mdText(s: string): string {
  return oneLine(s).replace(/[\\`*_[\]<>|~&@]/g, '\\$&');
}

/** Text inside an HTML element (the `<summary>`); `@` as an entity, so a name mentions nobody. */
export function htmlText(s: string): string {
  return oneLine(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/@/g, '&#64;');
}

/** An id in a code span: ids are validated by the loader (no backtick, no `|`), so none needs escaping. */
const code = (id: string) => '`' + oneLine(id).replace(/[`|]/g, '') + '`';

function targetCell(t: Target): string {
  const where = t.type === 'connect' ? `instance ${code(t.instanceId)}, ${mdText(t.region ?? '-')}` : mdText(t.region ?? '-');
  if (t.type === 'connect') {
    return `Connect workspace ${code(t.workspaceId)}${t.name !== undefined ? ` ${mdText(t.name)}` : ''} (${where})`;
  }
  return `WorkSpace ${code(t.workspaceId)} (${where})`;
}

function documentsCell(t: Target): string {
  const names = [...new Set(t.documents.map((d) => d.name))].sort(byString);
  return `${names.map(mdText).join(', ')}${t.prune ? ' (prune)' : ''}`;
}

interface Counts {
  associate: number;
  disassociate: number;
  deploy: number;
  wait: number;
  failed: number;
}

function countsOf(tp: TargetPlan): Counts {
  if (tp.type === 'connect') {
    return { associate: tp.associate.flat().length, disassociate: tp.disassociate.flat().length, deploy: 0, wait: 0, failed: 0 };
  }
  return { associate: tp.associate.length, disassociate: tp.disassociate.length, deploy: tp.deploy ? 1 : 0, wait: tp.wait.length, failed: tp.failed.length };
}

function countsText(c: Counts, warnings: number): string {
  const parts = [
    c.associate ? `${c.associate} to associate` : '',
    c.disassociate ? `${c.disassociate} to disassociate` : '',
    c.deploy ? count(c.deploy, 'deployment') : '',
    c.wait ? `${c.wait} in flight` : '',
    c.failed ? `${c.failed} failing` : '',
    warnings ? count(warnings, 'warning') : '',
  ].filter((p) => p !== '');
  return parts.join(', ');
}

/** The warnings at the top: what apply will refuse or hold, and what could not be seen. */
function warnings(plan: Plan, targets: TargetPlan[], errors: ObserveError[], maxPrune: number, unresolved: Failure[]): string[] {
  const items: string[] = [];
  const s = plan.summary;
  if (s.disassociate > maxPrune) {
    items.push(`**apply will refuse this plan**: it removes ${s.disassociate} associations, more than \`--max-prune\` ${maxPrune}.`);
  }
  for (const e of errors) {
    items.push(`**could not observe** ${mdText(describeTarget(e.target))}: ${mdText(`${e.error.code}: ${e.error.awsMessage}`)}; nothing is planned for it.`);
  }
  for (const f of unresolved) {
    items.push(`**could not resolve** ${mdText(f.target)} (${mdText(f.item)}): ${mdText(`${f.operation}: ${f.code}: ${f.message}`)}; nothing is planned for it.`);
  }
  for (const tp of targets) {
    for (const line of guardLines(tp)) items.push(`${mdText(describeTarget(tp.target))}: ${mdText(line.replace(/^! /, ''))}`);
  }
  items.push(...hints([...errors.map((e) => e.error.code), ...unresolved.map((f) => f.code)]).map(mdText));
  return items;
}

export function planMarkdown(plan: Plan, errors: ObserveError[], maxPrune: number, unresolved: Failure[] = []): string {
  const targets = [...plan.targets].sort((a, b) => byString(a.target.key, b.target.key));
  const unobserved = [...errors].sort((a, b) => byString(a.target.key, b.target.key));
  const failures = [...unresolved].sort((a, b) => byString(a.target, b.target) || byString(a.item, b.item));
  const out: string[] = [`**${mdText(planSummaryLine(plan))}**`, ''];

  const warn = warnings(plan, targets, unobserved, maxPrune, failures);
  if (warn.length > 0) {
    out.push('> [!WARNING]', ...warn.map((w) => `> - ${w}`), '');
  } else if (!targets.some(hasChanges)) {
    out.push('No changes: AWS already matches the desired state.', '');
  }

  const rows = [
    ...targets.map((tp) => ({ key: tp.target.key, cells: [targetCell(tp.target), documentsCell(tp.target), ...numbers(countsOf(tp))] })),
    ...unobserved.map((e) => ({ key: e.target.key, cells: [`${targetCell(e.target)} **not observed**`, documentsCell(e.target), '–', '–', '–', '–', '–'] })),
  ].sort((a, b) => byString(a.key, b.key));
  if (rows.length > 0) {
    out.push('| Target | Documents | Associate | Disassociate | Deploy | In flight | Failing |', '|---|---|--:|--:|--:|--:|--:|');
    for (const r of rows) out.push(`| ${r.cells.join(' | ')} |`);
    out.push('');
  }

  for (const tp of targets) {
    const lines = targetLines(tp);
    if (lines.length === 0) continue;
    const c = countsOf(tp);
    const summary = `${describeTarget(tp.target)}: ${countsText(c, lines.length - changeLines(tp).length)}`;
    out.push(`<details><summary>${htmlText(summary)}</summary>`, '', '```diff', ...lines.map(oneLine), '```', '', '</details>', '');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function numbers(c: Counts): string[] {
  return [c.associate, c.disassociate, c.deploy, c.wait, c.failed].map(String);
}
