/**
 * Opaque pagination tokens: a cursor (the last key returned) bound to a scope (operation, parent and
 * filter). A token used with another scope, or not made here, is rejected: the stricter choice, since
 * AWS documents tokens as opaque and valid only for the query that produced them.
 */
import { createHash } from 'node:crypto';

function scopeHash(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 16);
}

export function encodeToken(scope: string, after: string): string {
  return Buffer.from(JSON.stringify({ s: scopeHash(scope), a: after })).toString('base64url');
}

/** The cursor, or undefined if the token is malformed or belongs to another scope. */
export function decodeToken(scope: string, token: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { s, a } = parsed as { s?: unknown; a?: unknown };
    if (s !== scopeHash(scope) || typeof a !== 'string') return undefined;
    return a;
  } catch {
    return undefined;
  }
}
