/**
 * stdout carries results only. With --output json it carries exactly one JSON document, also when
 * the command fails before it has a result: main() then prints {"error": …} if nothing was printed.
 */
let jsonWritten = false;

export function writeJson(value: unknown): void {
  jsonWritten = true;
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function wasJsonWritten(): boolean {
  return jsonWritten;
}

/** True when the command line asks for JSON output (read before or without commander). */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--output=json' || (a === '--output' && argv[i + 1] === 'json'));
}
