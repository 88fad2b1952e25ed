/** Paginated read calls through the gate: one gated call per page, errors classified once. */
import { classifyAwsError, RetryableError } from './errors.js';
import type { CallGate, CallInfo } from './types.js';

export async function collectPages<P extends { NextToken?: string }, T>(
  gate: CallGate,
  info: CallInfo,
  fetch: (token: string | undefined) => Promise<P>,
  items: (page: P) => T[],
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of eachPage(gate, info, fetch, items)) out.push(...page.items);
  return out;
}

/** The same, a page at a time (`last` on the final one): the caller may stop after any page, and the next is never asked for. */
export async function* eachPage<P extends { NextToken?: string }, T>(
  gate: CallGate,
  info: CallInfo,
  fetch: (token: string | undefined) => Promise<P>,
  items: (page: P) => T[],
): AsyncGenerator<{ items: T[]; last: boolean }, void, undefined> {
  let token: string | undefined;
  for (;;) {
    const sent = token;
    let page: P;
    try {
      page = await gate.call(info, () => fetch(sent));
    } catch (err) {
      throw classifyAwsError(err, info);
    }
    token = page.NextToken || undefined;
    // A token handed back unchanged would loop forever, and a truncated list must not pass as complete.
    if (token !== undefined && token === sent) throw new RetryableError({ ...info, code: 'RepeatedNextToken', awsMessage: 'the service returned the NextToken it was sent' });
    yield { items: items(page), last: token === undefined };
    if (token === undefined) return;
  }
}
