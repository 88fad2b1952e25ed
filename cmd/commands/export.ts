/**
 * `workspace-reconciler export connect|workspaces`: desired-state YAML for what AWS has now, so
 * a team can adopt what exists (DESIGN.md "GitOps workflow"). Read-only. Bad input is refused
 * (exit 1) before any AWS call; something AWS does not have (an unknown instance, directory or
 * WorkSpace, an ambiguous workspace name) or an AWS failure is exit 1 with nothing written.
 * The YAML is checked with the loader before it is written: what export writes, validate accepts.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatProblem, loadDesiredStateFromText } from '../../src/config/index.js';
import { exportConnect } from '../../src/export/connect.js';
import { renderDocuments } from '../../src/export/document.js';
import { ExportError, type ExportDeps, type ExportResult } from '../../src/export/types.js';
import { exportWorkSpaces } from '../../src/export/workspaces.js';
import { createLogger } from '../../src/log.js';
import { resolveDefaultRegion } from '../../src/providers/clients.js';
import { AwsCallError } from '../../src/providers/errors.js';
import { addCallOptions, limitsOf, type CallOptions, type LogOptions } from '../common.js';
import { CommandError } from '../errors.js';
import { parseRegion } from '../options.js';
import { createRuntime } from '../runtime.js';
import { loadOrFail } from '../desired.js';
import { closest } from '../../src/config/suggest.js';
import type { AccountSpec } from '../../src/model/desired.js';
import { schemaPath } from './schema.js';

interface ExportCommonOptions extends CallOptions, LogOptions {
  region?: string;
  account?: string;
  accounts?: string[];
  names: boolean;
  prune: boolean;
  out?: string;
  schema?: string;
}

interface ConnectOptions extends ExportCommonOptions {
  instance: string;
  workspace?: string[];
}

interface WorkSpacesOptions extends ExportCommonOptions {
  directory?: string;
  workspaceIds?: string[];
}

export function exportCommand(): Command {
  const cmd = new Command('export').description('write desired-state YAML for what AWS has now (adopt what exists); read-only');
  const connect = new Command('connect')
    .description('every Connect workspace of an instance (or those named with --workspace), one document each')
    .requiredOption('--instance <id>', 'Connect instance id', parseInstanceId)
    .option('--workspace <id-or-name...>', 'only these workspaces, by id or by name (repeatable); default: every workspace of the instance', collectWorkspace);
  const workspaces = new Command('workspaces')
    .description('the WorkSpaces of a directory, or those given by id, one document each')
    .addOption(new Option('--directory <id>', 'every WorkSpace of this directory (TERMINATING/TERMINATED ones are skipped)').argParser(parseDirectoryId).conflicts('workspaceIds'))
    .addOption(new Option('--workspace-ids <id...>', 'these WorkSpaces (repeatable)').argParser(collectWorkSpaceId));
  for (const sub of [connect, workspaces]) {
    addCallOptions(
      sub
        .option('--region <region>', 'region (default: the AWS SDK chain, e.g. AWS_REGION); written into every document', parseRegion)
        .option('--account <name>', 'export from the account of this Account document (its role is assumed); written as spec.account into every document; needs --accounts')
        .option('--accounts <path...>', 'files or directories that hold the Account document named by --account (the desired state itself will do)')
        .option('--names', 'write names (workspaceName, users, routingProfiles, applications) instead of ids where the name is unique (otherwise names are comments beside the ids)', false)
        .option('--prune', 'write prune: true: the files then own these targets exclusively (otherwise prune: false)', false)
        .option('--out <file>', 'write to this file instead of stdout (replaced only once the export succeeded)')
        .option('--schema <ref>', "the schema the modeline names (a path relative to the file, or a URL); default: the package's schema, relative to the file")
        .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'))
        .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['json', 'pretty']).default('json')),
    );
    cmd.addCommand(sub.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  connect.action(async (o: ConnectOptions) => {
    await run(o, (deps, region, account) =>
      exportConnect({ region, account, instanceId: o.instance, workspaces: o.workspace ?? [], names: o.names, prune: o.prune }, deps),
    );
  });
  workspaces.action(async (o: WorkSpacesOptions) => {
    if (o.directory === undefined && o.workspaceIds === undefined) throw new CommandError('give --directory ID or --workspace-ids ID…');
    await run(o, (deps, region, account) =>
      exportWorkSpaces({ region, account, directoryId: o.directory, workspaceIds: o.workspaceIds, names: o.names, prune: o.prune }, deps),
    );
  });
  return cmd;
}

async function run(o: ExportCommonOptions, collect: (deps: ExportDeps, region: string, account?: { name: string; id: string }) => Promise<ExportResult>): Promise<void> {
  const region = await resolveDefaultRegion(o.region);
  if (region === undefined) throw new CommandError('no region: pass --region, or set AWS_REGION');
  const account = o.account === undefined ? undefined : await accountNamed(o.account, o.accounts, region);
  if (account === undefined && o.accounts !== undefined) throw new CommandError('--accounts is for --account NAME: give the Account to export from');
  const log = createLogger({ level: o.logLevel, format: o.logFormat });
  const rt = createRuntime({
    ...limitsOf(o),
    // Read-only by construction: the rate limiter refuses a mutating call, it is never sent.
    observeOnly: true,
    onCall: (e) => log.debug({ service: e.service, operation: e.operation, outcome: e.outcome, code: e.errorCode, requestId: e.requestId, attempts: e.attempts, durationMs: e.durationMs }, 'AWS call'),
  });
  let result: ExportResult;
  try {
    if (account) rt.clients.setAccounts([account]);
    const deps: ExportDeps = { providers: rt.providers, lookups: account ? rt.lookupsFor(account.id) : rt.lookups };
    result = await collect(deps, region, account && { name: account.name, id: account.id });
  } catch (err) {
    if (err instanceof ExportError) throw new CommandError(`${err.message}; nothing was written`);
    if (err instanceof AwsCallError) throw new CommandError(`${awsHint(err)}; nothing was written`);
    throw err;
  } finally {
    rt.close();
  }
  for (const s of result.skipped) log.info({ item: s.item, reason: s.reason }, 'not exported');
  const file = o.out === undefined ? undefined : resolve(o.out);
  const text = renderDocuments(result.documents, o.schema ?? schemaRef(file), result.header);
  checkReadable(text, file ?? '<stdout>', region, account);
  log.info({ documents: result.documents.length, skipped: result.skipped.length, calls: rt.stats.total }, 'exported');
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  // Replaced whole or not at all: a failed write never leaves half a desired state in git.
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new CommandError(`cannot write ${o.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The shipped schema as the modeline names it: relative to where the file is written (stdout: the working directory). */
function schemaRef(file: string | undefined): string {
  const from = file === undefined ? process.cwd() : dirname(file);
  const rel = relative(from, schemaPath()).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The Account document named `name` in the desired state at `paths` (validated whole, as validate
 * would): the one export assumes the role of. Bad input, exit 1, before any AWS call.
 */
async function accountNamed(name: string, paths: string[] | undefined, region: string): Promise<AccountSpec> {
  if (paths === undefined) throw new CommandError('--account needs --accounts PATH…: the files that hold its Account document');
  const { state } = await loadOrFail({ paths, region, printWarnings: false });
  const found = state.accounts.find((a) => a.name === name);
  if (found) return found;
  const names = state.accounts.map((a) => a.name);
  const near = closest(name, names);
  const known = names.length === 0 ? 'none is there' : `there: ${names.join(', ')}`;
  throw new CommandError(`no Account document named '${name}' in ${paths.join(', ')}${near ? ` (did you mean '${near}'?)` : ''}; ${known}`);
}

/** A bug, not bad input: export writes only what the loader reads back without an error. */
function checkReadable(text: string, file: string, region: string, account?: AccountSpec): void {
  // The exported documents name the Account; it lives in the operator's own files, so a copy of
  // it (name and role) stands in for them here.
  const accountDoc = account && {
    file: '<the Account document>',
    text: `apiVersion: workspace-reconciler/v1\nkind: Account\nmetadata: {name: ${JSON.stringify(account.name)}}\nspec: {roleArn: ${JSON.stringify(account.roleArn)}}\n`,
  };
  const r = loadDesiredStateFromText([{ file, text }, ...(accountDoc ? [accountDoc] : [])], { defaultRegion: region });
  if (r.errors.length > 0) {
    throw new Error(`export produced YAML the loader refuses (a bug; nothing was written):\n${r.errors.map(formatProblem).join('\n')}`);
  }
}

function awsHint(err: AwsCallError): string {
  if (err.code === 'ResourceNotFoundException' && err.operation === 'ListWorkspaces') {
    return `no Connect instance with that id in ${err.region} (ListWorkspaces: ${err.code}: ${err.awsMessage})`;
  }
  return `cannot read what AWS has: ${err.message}`;
}

// Checked before any AWS call, with the limits the API and the loader apply.

function parseInstanceId(value: string): string {
  if (!/^[\x21-\x7e]{1,100}$/.test(value) || value.includes('/')) {
    throw new InvalidArgumentError(`expected a Connect instance id (1 to 100 visible ASCII characters, no '/'), got ${JSON.stringify(value)}`);
  }
  return value;
}

function collectWorkspace(value: string, previous: string[] = []): string[] {
  if (value.length < 1 || value.length > 256 || /[\p{Cc}\p{Cf}]/u.test(value) || value.trim() !== value) {
    throw new InvalidArgumentError(`expected a workspace id or name (1 to 256 characters, no control characters or surrounding spaces), got ${JSON.stringify(value)}`);
  }
  return [...previous, value];
}

function parseDirectoryId(value: string): string {
  if (!/^(d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/.test(value)) {
    throw new InvalidArgumentError(`expected a directory id such as d-1234567890 or wsd-…, got ${JSON.stringify(value)}`);
  }
  return value;
}

function collectWorkSpaceId(value: string, previous: string[] = []): string[] {
  if (!/^ws-[0-9a-z]{8,63}$/.test(value)) {
    throw new InvalidArgumentError(`expected a WorkSpace id such as ws-abcd1234ef, got ${JSON.stringify(value)}`);
  }
  return [...previous, value];
}
