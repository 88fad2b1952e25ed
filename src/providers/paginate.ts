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
  let token: string | undefined;
  for (;;) {
    const sent = token;
    let page: P;
    try {
      page = await gate.call(info, () => fetch(sent));
    } catch (err) {
      throw classifyAwsError(err, info);
    }
    out.push(...items(page));
    token = page.NextToken || undefined;
    // A token handed back unchanged would loop forever, and a truncated list must not pass as complete.
    if (token !== undefined && token === sent) throw new RetryableError({ ...info, code: 'RepeatedNextToken', awsMessage: 'the service returned the NextToken it was sent' });
    if (token === undefined) return out;
  }
}
