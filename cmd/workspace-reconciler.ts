#!/usr/bin/env node
/**
 * workspace-reconciler: parse arguments, run the command, map failures to exit statuses
 * (cmd/errors.ts). Results go to stdout, logs and problems to stderr.
 */
// The SDK warns on every run that its releases after early 2027 need Node 22; our lockfile pins
// the SDK, so on Node 20.19 that is noise for operators (the README says when to move to 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { Command, CommanderError } from "commander";
import { InputPathError, LoadOptionsError } from '../src/config/index.js';
import { ClientConfigError } from '../src/providers/clients.js';
import { applyCommand } from './commands/apply.js';
import { exportCommand } from './commands/export.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { sandboxCommand } from './commands/sandbox.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { CommandError, EXIT_ERROR } from './errors.js';
import { VERSION } from '../src/version.js';
import { wantsJson, wasJsonWritten, writeJson } from './output.js';

export function buildProgram(): Command {
  const program = new Command('workspace-reconciler')
    .description('Keeps Amazon Connect workspace associations and Amazon WorkSpaces application associations in line with YAML in git.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const cmd of [validateCommand(), planCommand(), applyCommand(), runCommand(), sandboxCommand(), schemaCommand(), exportCommand()]) {
    program.addCommand(cmd.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  return program;
}


export async function main(argv: string[]): Promise<number> {
  const code = await run(argv);
  if (code !== 0 && wantsJson(argv) && !wasJsonWritten()) {
    writeJson({ error: { message: lastError ?? 'failed (see stderr)', exitCode: code } });
  }
  return code;
}

let lastError: string | undefined;

async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    lastError = err instanceof Error ? err.message.replace(/^error: /, '') : String(err);
    if (err instanceof CommanderError) {
      // commander already printed the one-line message (or the help / version).
      return err.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    if (err instanceof CommandError || err instanceof InputPathError || err instanceof LoadOptionsError || err instanceof ClientConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT_ERROR;
    }
    process.stderr.write(`error: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_ERROR;
  }
}

process.exitCode = await main(process.argv.slice(2));
