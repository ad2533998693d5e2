import { DECISIONS, VERDICTS } from '../report/types.ts';
import { type Format, format, noPositionals, one, type Parsed, parseFlags } from './flags.ts';
import { UsageError } from './usageError.ts';

/** The command lines of the remediation commands (remediate, rollback, audit list|show); see USAGE in args.ts. */

export interface RemediateArgs {
  command: 'remediate';
  events: string[];
  state: string | null;
  config: string | null;
  audit: string | null;
  proposals: string | null;
  format: Format;
}

export interface RollbackArgs {
  command: 'rollback';
  auditId: string;
  state: string | null;
  audit: string | null;
  /** The deployed DynamoDB audit table: roll back a live change (instead of --state and --audit). */
  table: string | null;
  actor: string | null;
  format: Format;
}

export interface AuditListArgs {
  command: 'audit-list';
  audit: string | null;
  table: string | null;
  account: string | null;
  principal: string | null;
  verdict: string | null;
  decision: string | null;
  since: string | null;
  until: string | null;
  limit: number | null;
  format: Format;
}

export interface AuditShowArgs {
  command: 'audit-show';
  auditId: string;
  audit: string | null;
  table: string | null;
  format: Format;
}

function auditId(parsed: Parsed, command: string): string {
  const [id, ...extra] = parsed.positionals;
  if (!id) throw new UsageError(`${command} needs an audit id`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" for ${command}`);
  return id;
}

export function parseRemediateArgs(rest: readonly string[]): RemediateArgs {
  const parsed = parseFlags(rest, ['--events', '--state', '--config', '--audit', '--proposals', '--format']);
  noPositionals(parsed, 'remediate');
  const events = parsed.flags.get('--events') ?? [];
  if (events.length === 0) throw new UsageError('--events is required');
  return {
    command: 'remediate',
    events,
    state: one(parsed, '--state'),
    config: one(parsed, '--config'),
    audit: one(parsed, '--audit'),
    proposals: one(parsed, '--proposals'),
    format: format(parsed),
  };
}

export function parseRollbackArgs(rest: readonly string[]): RollbackArgs {
  const parsed = parseFlags(rest, ['--state', '--audit', '--table', '--actor', '--format']);
  const table = one(parsed, '--table');
  if (table !== null && (one(parsed, '--state') !== null || one(parsed, '--audit') !== null))
    throw new UsageError(
      'rollback takes either --table (a live change) or --state and --audit (a snapshot file)',
    );
  return {
    command: 'rollback',
    auditId: auditId(parsed, 'rollback'),
    state: one(parsed, '--state'),
    audit: one(parsed, '--audit'),
    table,
    actor: one(parsed, '--actor'),
    format: format(parsed),
  };
}

function oneOf(parsed: Parsed, flag: string, values: readonly string[]): string | null {
  const value = one(parsed, flag);
  if (value !== null && !values.includes(value))
    throw new UsageError(`${flag} must be one of ${values.join(', ')}, not "${value}"`);
  return value;
}

export function parseAuditArgs(rest: readonly string[]): AuditListArgs | AuditShowArgs {
  const [sub, ...tail] = rest;
  if (sub === 'show') {
    const parsed = parseFlags(tail, ['--audit', '--table', '--format']);
    return {
      command: 'audit-show',
      auditId: auditId(parsed, 'audit show'),
      audit: one(parsed, '--audit'),
      table: one(parsed, '--table'),
      format: format(parsed),
    };
  }
  if (sub !== 'list')
    throw new UsageError(`audit needs "list" or "show <audit-id>"${sub ? `, not "${sub}"` : ''}`);
  const parsed = parseFlags(tail, [
    '--audit',
    '--table',
    '--account',
    '--principal',
    '--verdict',
    '--decision',
    '--since',
    '--until',
    '--limit',
    '--format',
  ]);
  noPositionals(parsed, 'audit list');
  const limitText = one(parsed, '--limit');
  const limit = limitText === null ? null : Number(limitText);
  if (limit !== null && !(Number.isInteger(limit) && limit > 0))
    throw new UsageError(`--limit must be a positive whole number, not "${limitText}"`);
  const account = one(parsed, '--account');
  if (account !== null && !/^\d{12}$/.test(account))
    throw new UsageError(`--account must be a 12-digit account id, not "${account}"`);
  return {
    command: 'audit-list',
    audit: one(parsed, '--audit'),
    table: one(parsed, '--table'),
    account,
    principal: one(parsed, '--principal'),
    verdict: oneOf(parsed, '--verdict', VERDICTS),
    decision: oneOf(parsed, '--decision', DECISIONS),
    since: one(parsed, '--since'),
    until: one(parsed, '--until'),
    limit,
    format: format(parsed),
  };
}
