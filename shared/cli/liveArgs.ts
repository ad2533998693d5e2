import { type Format, format, noPositionals, one, parseFlags } from './flags.ts';
import { UsageError } from './usageError.ts';

/** `snapshot --out <file> [--accounts <id,...>] [--regions <r,...>] [--organizations-account <id>]` */
export interface SnapshotArgs {
  command: 'snapshot';
  out: string;
  accounts: string[] | null;
  regions: string[] | null;
  organizationsAccount: string | null;
}

/** `backfill --since <time> [--until <time>] [--state <file>] [--config <file>] [--format json|text]` */
export interface BackfillArgs {
  command: 'backfill';
  since: string;
  until: string | null;
  state: string | null;
  config: string | null;
  format: Format;
}

function list(value: string | null, flag: string, pattern: RegExp): string[] | null {
  if (value === null) return null;
  const items = value.split(',').map((item) => item.trim());
  const bad = items.find((item) => !pattern.test(item));
  if (bad !== undefined) throw new UsageError(`${flag}: "${bad}" is not valid`);
  return items;
}

export function parseSnapshotArgs(rest: readonly string[]): SnapshotArgs {
  const parsed = parseFlags(rest, ['--out', '--accounts', '--regions', '--organizations-account']);
  noPositionals(parsed, 'snapshot');
  const out = one(parsed, '--out');
  if (!out) throw new UsageError('snapshot needs --out <file>');
  const organizationsAccount = one(parsed, '--organizations-account');
  if (organizationsAccount !== null && !/^\d{12}$/.test(organizationsAccount))
    throw new UsageError('--organizations-account must be a 12-digit account id');
  return {
    command: 'snapshot',
    out,
    accounts: list(one(parsed, '--accounts'), '--accounts', /^\d{12}$/),
    regions: list(one(parsed, '--regions'), '--regions', /^[a-z]{2}(-[a-z]+)+-\d+$/),
    organizationsAccount,
  };
}

export function parseBackfillArgs(rest: readonly string[]): BackfillArgs {
  const parsed = parseFlags(rest, ['--since', '--until', '--state', '--config', '--format']);
  noPositionals(parsed, 'backfill');
  const since = one(parsed, '--since');
  if (!since) throw new UsageError('backfill needs --since <time> (an ISO time or an age such as 24h)');
  return {
    command: 'backfill',
    since,
    until: one(parsed, '--until'),
    state: one(parsed, '--state'),
    config: one(parsed, '--config'),
    format: format(parsed),
  };
}
