/** The command line of contract/README.md: `analyze --events <path>... --state <file> [--config <file>] [--format json|text]`. */
export interface AnalyzeArgs {
  command: 'analyze';
  events: string[];
  state: string | null;
  config: string | null;
  format: 'json' | 'text' | null;
}

export type ParsedArgs = AnalyzeArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage:
  access-remediator analyze --events <path>... --state <snapshot.json> [--config <file>] [--format json|text]

  --events   event files or directories (EventBridge events, CloudTrail records, trail log files plain or .gz,
             lookup-events output, JSON Lines); several paths may follow one --events
  --state    account-state snapshot (contract/state.schema.json)
  --config   decision configuration (which patches may be applied without a person)
  --format   json (one report line per event; default when stdout is not a terminal) or text

Exit status: 0 all records analysed, 1 some records were invalid-event, 2 usage error or unreadable input.`;

const VALUE_FLAGS = new Set(['--events', '--state', '--config', '--format']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help')
    return { command: 'help' };
  if (argv[0] === '--version' || argv[0] === 'version') return { command: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}"; the command is "analyze"`);
  const result: AnalyzeArgs = { command: 'analyze', events: [], state: null, config: null, format: null };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, null];
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unexpected argument "${arg}"`);
    const values: string[] = inline !== null ? [inline] : [];
    if (inline === null) {
      // --events takes every following value up to the next flag; the others take exactly one.
      while (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) {
        values.push(rest[++i]!);
        if (flag !== '--events') break;
      }
    }
    if (values.length === 0) throw new UsageError(`${flag} needs a value`);
    if (flag === '--events') result.events.push(...values);
    else if (flag === '--state') result.state = values[0]!;
    else if (flag === '--config') result.config = values[0]!;
    else {
      const format = values[0]!;
      if (format !== 'json' && format !== 'text')
        throw new UsageError(`--format must be json or text, not "${format}"`);
      result.format = format;
    }
  }
  if (result.events.length === 0) throw new UsageError('--events is required');
  return result;
}
