import { readFileSync } from 'node:fs';
import { EventInputError, readEventInputs } from '../input/readEventFiles.ts';
import type { RawRecord } from '../input/records.ts';
import { type AnalyzeArgs, parseArgs, USAGE, UsageError } from './args.ts';
import type { BackfillArgs } from './liveArgs.ts';
import { InputFileError, loadConfig, loadSnapshot } from './loadFiles.ts';
import { wantsColor, write } from './output.ts';
import { progressOn } from './progress.ts';
import { type RecordAnalyzer, snapshotAnalyzer } from './recordAnalyzer.ts';
import {
  auditListCommand,
  auditShowCommand,
  remediateCommand,
  rollbackCommand,
} from './remediationCommands.ts';
import { colored, count, formatSummary, formatText, newTally, plain } from './textFormat.ts';

const EXIT_OK = 0;
const EXIT_INVALID_RECORDS = 1;
const EXIT_USAGE = 2;

async function analyzerFor(state: string | null, config: string | null): Promise<RecordAnalyzer> {
  const decision = await loadConfig(config);
  if (state !== null) return snapshotAnalyzer(await loadSnapshot(state), decision);
  // The AWS SDK is loaded only for live mode, so offline runs start fast.
  const { liveAnalyzer } = await import('./liveState.ts');
  return liveAnalyzer(decision, (message) => process.stderr.write(`access-remediator: ${message}\n`));
}

/** One report line per record, in input order, as JSON lines or the text view with a summary. */
async function report(
  records: AsyncIterable<RawRecord> | Iterable<RawRecord>,
  analyze: RecordAnalyzer,
  requested: 'json' | 'text' | null,
): Promise<number> {
  const format = requested ?? (process.stdout.isTTY ? 'text' : 'json');
  const paint = wantsColor(process.stdout) ? colored : plain;
  const tally = newTally();
  const progress = progressOn(process.stderr, format === 'text' || !process.stdout.isTTY);
  let invalid = 0;
  for await (const raw of records) {
    const line = await analyze(raw);
    if (line.verdict === 'invalid-event') invalid += 1;
    count(tally, line);
    progress.tick();
    await write(format === 'json' ? `${JSON.stringify(line)}\n` : `${formatText(line, paint)}\n\n`);
  }
  progress.done();
  if (format === 'text') await write(`${formatSummary(tally, paint)}\n`);
  return invalid > 0 ? EXIT_INVALID_RECORDS : EXIT_OK;
}

async function analyze(args: AnalyzeArgs): Promise<number> {
  const analyzer = await analyzerFor(args.state, args.config);
  return report(readEventInputs(args.events), analyzer, args.format);
}

async function backfill(args: BackfillArgs): Promise<number> {
  const analyzer = await analyzerFor(args.state, args.config);
  const { backfillRecords } = await import('./liveCommands.ts');
  return report(await backfillRecords(args, new Date()), analyzer, args.format);
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (args.command === 'version') {
      process.stdout.write(`${version()}\n`);
      return EXIT_OK;
    }
    switch (args.command) {
      case 'analyze':
        return await analyze(args);
      case 'remediate':
        return await remediateCommand(args);
      case 'rollback':
        return await rollbackCommand(args);
      case 'audit-list':
        return await auditListCommand(args);
      case 'audit-show':
        return await auditShowCommand(args);
      case 'snapshot':
        return await (await import('./liveCommands.ts')).snapshotCommand(args);
      case 'backfill':
        return await backfill(args);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputFileError || error instanceof EventInputError) {
      process.stderr.write(`access-remediator: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

// A reader that stops early (`| head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`access-remediator: internal error: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 70;
  },
);
