/** startSandbox options, their defaults and their validation. */
import type { CallRecord } from './calls.js';
import { SandboxOptionError } from './errors.js';
import { assertFaults } from './fault-check.js';
import type { FaultOptions } from './faults.js';
import type { QuotaOptions, RateLimit } from './quotas.js';
import type { Seed } from './seed-types.js';

export interface SandboxOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** A seed object or the path of a seed YAML file (SEED.md). Default: the demo world (demo-seed.yaml). */
  seed?: Seed | string;
  /** Per-operation token buckets; `false` switches them off. Default Connect 2/s burst 5, WorkSpaces 5/s burst 10. */
  quotas?: QuotaOptions | false;
  /** How long each in-flight WorkSpaces state lasts before it advances, in ms. Default 1000. */
  stepDelayMs?: number;
  /** The clock (ms since epoch) for timestamps, state steps and quotas. Default Date.now. */
  now?: () => number;
  /** Random source for probabilistic faults (see seededRandom). Default Math.random. */
  random?: () => number;
  /** Faults, applied over the seed's `faults` key by key. Default none. */
  faults?: FaultOptions;
  /** Calls kept in `calls` (oldest dropped). Default 100,000. */
  callLogLimit?: number;
  /** Called after each call is answered (e.g. to log it). Default none. */
  onCall?: (call: CallRecord) => void;
  /**
   * Secret access keys by access key id, over the sandbox's own (AKIDSANDBOX, the key of its
   * `env`): a request signed with one of these keys, or with a session key the sandbox issued, must
   * carry a valid SigV4 signature (else InvalidSignatureException, 403). Requests signed with other
   * keys are not verified. Default none.
   */
  secretKeys?: Record<string, string>;
}

function fail(name: string, value: unknown, expected: string): never {
  throw new SandboxOptionError(`Expected \`${name}\` to be ${expected}, got ${JSON.stringify(value)}`);
}

function rate(name: string, r: RateLimit | undefined): void {
  if (r === undefined) return;
  if (typeof r.rate !== 'number' || !Number.isFinite(r.rate) || r.rate <= 0) fail(`${name}.rate`, r.rate, 'a number > 0');
  if (typeof r.burst !== 'number' || !Number.isFinite(r.burst) || r.burst < 1) fail(`${name}.burst`, r.burst, 'a number >= 1');
}

/** Fails fast with the option's name and value. */
export function validateOptions(o: SandboxOptions): void {
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) fail('port', o.port, 'an integer 0..65535');
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) fail('host', o.host, 'a non-empty string');
  if (o.stepDelayMs !== undefined && (typeof o.stepDelayMs !== 'number' || !Number.isFinite(o.stepDelayMs) || o.stepDelayMs < 0)) fail('stepDelayMs', o.stepDelayMs, 'a finite number >= 0');
  if (o.callLogLimit !== undefined && (!Number.isInteger(o.callLogLimit) || o.callLogLimit < 0)) fail('callLogLimit', o.callLogLimit, 'an integer >= 0');
  if (o.now !== undefined && typeof o.now !== 'function') fail('now', o.now, 'a function');
  if (o.random !== undefined && typeof o.random !== 'function') fail('random', o.random, 'a function');
  if (o.seed !== undefined && (typeof o.seed !== 'object' || o.seed === null) && typeof o.seed !== 'string') fail('seed', o.seed, 'a seed object or a file path');
  if (o.faults !== undefined) assertFaults(o.faults);
  if (o.secretKeys !== undefined) {
    if (typeof o.secretKeys !== 'object' || o.secretKeys === null) fail('secretKeys', o.secretKeys, 'an object of access key id → secret');
    for (const [k, v] of Object.entries(o.secretKeys)) if (typeof v !== 'string' || v === '') fail(`secretKeys.${k}`, v, 'a non-empty string');
  }
  const q = o.quotas;
  if (q !== undefined && q !== false) {
    if (typeof q !== 'object' || q === null) fail('quotas', q, 'false or {connect?, workspaces?, scale?}');
    if (q.scale !== undefined && (typeof q.scale !== 'number' || !Number.isFinite(q.scale) || q.scale <= 0)) fail('quotas.scale', q.scale, 'a number > 0');
    for (const svc of ['connect', 'workspaces'] as const) {
      rate(`quotas.${svc}`, q[svc]);
      rate(`quotas.${svc}.account`, q[svc]?.account);
      for (const [op, r] of Object.entries(q[svc]?.operations ?? {})) rate(`quotas.${svc}.operations.${op}`, r);
    }
  }
}
