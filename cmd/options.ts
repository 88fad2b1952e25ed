/** Option parsing shared by the commands: fail fast with the option's name and the value. */
import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "250ms", "30s", "5m", "1h" or a bare number of seconds → milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 30s, 5m or 1h, got '${value}'`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's'];
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`expected a finite duration, got '${value}'`);
  return Math.round(ms);
}

/**
 * A duration parser that also refuses values below `minText` (a duration as the user writes it:
 * "1s", "10ms", "0"), e.g. `durationAtLeast('1s')` for a resync period, where 0 would be a hot loop.
 */
export function durationAtLeast(minText: string): (value: string) => number {
  const min = parseDuration(minText);
  return (value) => {
    const ms = parseDuration(value);
    if (ms < min) throw new InvalidArgumentError(`expected a duration of at least ${minText}, got '${value}'`);
    return ms;
  };
}

/** A duration > 0 (a timeout of 0 would give up before starting). */
export function parsePositiveDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError(`expected a duration > 0 such as 30s or 10m, got '${value}'`);
  return ms;
}

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number >= 0, got '${value}'`);
  return Number(value);
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0, got '${value}'`);
  }
  return n;
}

export function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+){1,2}-\d$/.test(value)) {
    throw new InvalidArgumentError(`expected an AWS region such as us-east-1, got '${value}'`);
  }
  return value;
}

export type OutputFormat = 'text' | 'json';
/** `plan` alone also prints markdown (a pull-request comment). */
export type PlanOutputFormat = OutputFormat | 'markdown';

export function parseOutput(value: string): OutputFormat {
  if (value !== 'text' && value !== 'json') {
    const only = value === 'markdown' ? ' (markdown is for plan only)' : '';
    throw new InvalidArgumentError(`expected text or json, got '${value}'${only}`);
  }
  return value;
}

export function parsePlanOutput(value: string): PlanOutputFormat {
  if (value !== 'text' && value !== 'json' && value !== 'markdown') throw new InvalidArgumentError(`expected text, json or markdown, got '${value}'`);
  return value;
}

/**
 * `--operation-limit OPERATION=RATE[:BURST]`, repeatable: one operation's own quota (e.g. a
 * raised ListUsers quota, `ListUsers=20:20`). Burst defaults to the rate (at least 1).
 */
export function collectOperationLimit(value: string, previous: Record<string, { rate: number; burst: number }> = {}): Record<string, { rate: number; burst: number }> {
  const m = /^([A-Z][A-Za-z]+)=([^:]+)(?::(.+))?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected OPERATION=RATE[:BURST] such as ListUsers=10:10, got '${value}'`);
  const rate = parsePositiveNumber(m[2]!);
  const burst = m[3] === undefined ? Math.max(1, rate) : parsePositiveNumber(m[3]);
  return { ...previous, [m[1]!]: { rate, burst } };
}
