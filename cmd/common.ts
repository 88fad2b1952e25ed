/** Options every AWS-facing command shares, declared once. */
import { Command, Option } from 'commander';
import type { RateLimit } from '../src/reconciler/ratelimit.js';
import { DEFAULT_LIMITS } from '../src/reconciler/ratelimit.js';
import { collectOperationLimit, parseDuration, parseNonNegativeInt, parseOutput, parsePlanOutput, parsePositiveDuration, parsePositiveNumber, parseRegion } from './options.js';
import type { OutputFormat } from './options.js';

export interface CommonOptions {
  region?: string;
  output: OutputFormat;
}

export interface LogOptions {
  logLevel: string;
  logFormat: 'json' | 'pretty';
}

/** How AWS calls are made: rate limits and deadlines (every command that calls AWS). */
export interface CallOptions {
  connectRate: number;
  connectBurst: number;
  workspacesRate: number;
  workspacesBurst: number;
  operationLimit?: Record<string, RateLimit>;
  callTimeout: number;
}

export interface AwsOptions extends CommonOptions, LogOptions, CallOptions {
  allowEmpty: boolean;
  maxPrune: number;
}

/**
 * --region and --output; with `logLevel`, also --log-level and --log-format (commands that log).
 * `markdown: true` (plan only) adds markdown to --output's formats.
 */
export function addCommonOptions(cmd: Command, defaults: { logLevel?: string; markdown?: boolean } = {}): Command {
  const output = defaults.markdown
    ? new Option('--output <format>', 'output format: text, json or markdown (a pull-request comment)').argParser(parsePlanOutput)
    : new Option('--output <format>', 'output format: text or json').argParser(parseOutput);
  cmd
    .option('--region <region>', 'region for documents without spec.region (default: the AWS SDK chain, e.g. AWS_REGION)', parseRegion)
    .addOption(output.default('text'));
  if (defaults.logLevel === undefined) return cmd;
  return cmd
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default(defaults.logLevel))
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['json', 'pretty']).default('json'));
}

export function addAwsOptions(cmd: Command): Command {
  return addCallOptions(cmd
    .option('--allow-empty', 'accept a desired state with no documents', false)
    .option('--max-prune <n>', 'refuse a plan that removes more than this many associations', parseNonNegativeInt, 100));
}

/** Rate limits and --call-timeout (see CallOptions). */
export function addCallOptions(cmd: Command): Command {
  return cmd
    .option('--connect-rate <rps>', 'Connect requests per second, per operation', parsePositiveNumber, DEFAULT_LIMITS.connect.rate)
    .option('--connect-burst <n>', 'Connect burst, per operation', parsePositiveNumber, DEFAULT_LIMITS.connect.burst)
    .option('--workspaces-rate <rps>', 'WorkSpaces requests per second, per operation', parsePositiveNumber, DEFAULT_LIMITS.workspaces.rate)
    .option('--workspaces-burst <n>', 'WorkSpaces burst, per operation', parsePositiveNumber, DEFAULT_LIMITS.workspaces.burst)
    .option('--operation-limit <op=rate[:burst]>', 'an operation with its own quota, repeatable (defaults: ListUsers=10:10, ListRoutingProfiles=10:10, SearchUsers=2:5)', collectOperationLimit)
    .addOption(durationOption('--call-timeout <duration>', 'deadline of each attempt of each AWS call (a hung endpoint is a retryable failure, never a hang)', '30s', parsePositiveDuration));
}

export function limitsOf(o: CallOptions): { connectLimit: RateLimit; workspacesLimit: RateLimit; operationLimits?: Record<string, RateLimit>; callTimeoutMs: number } {
  return {
    callTimeoutMs: o.callTimeout,
    operationLimits: o.operationLimit,
    connectLimit: { rate: o.connectRate, burst: o.connectBurst },
    workspacesLimit: { rate: o.workspacesRate, burst: o.workspacesBurst },
  };
}

/** A duration option whose default shows as written ("10m"), not as milliseconds. */
export function durationOption(flags: string, description: string, defaultText: string, parse: (value: string) => number = parseDuration): Option {
  return new Option(flags, description).argParser(parse).default(parseDuration(defaultText), defaultText);
}

export { parseDuration };
