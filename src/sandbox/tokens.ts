/**
 * Opaque pagination tokens: a cursor (the last key returned) bound to a scope (operation, parent and
 * filter). A token used with another scope, or not made here, is rejected: the stricter choice, since
 * AWS documents tokens as opaque and valid only for the query that produced them.
 */
import { createHash } from 'node:crypto';

function scopeHash(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 16);
}

/** `issuedAt` (sandbox clock, ms) lets a token expire (FaultOptions.tokenTtlMs). */
export function encodeToken(scope: string, after: string, issuedAt?: number): string {
  return Buffer.from(JSON.stringify({ s: scopeHash(scope), a: after, ...(issuedAt !== undefined ? { t: issuedAt } : {}) })).toString('base64url');
}

/** When a token was issued, if it says. */
export function tokenIssuedAt(token: string): number | undefined {
  try {
    const t = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t?: unknown }).t;
    return typeof t === 'number' ? t : undefined;
  } catch {
    return undefined;
  }
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
