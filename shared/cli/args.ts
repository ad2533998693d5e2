import {
  type AuditListArgs,
  type AuditShowArgs,
  parseAuditArgs,
  parseRemediateArgs,
  parseRollbackArgs,
  type RemediateArgs,
  type RollbackArgs,
} from './remediationArgs.ts';
import { UsageError } from './usageError.ts';

export { UsageError } from './usageError.ts';

import { format, noPositionals, one, parseFlags } from './flags.ts';
import { type BackfillArgs, parseBackfillArgs, parseSnapshotArgs, type SnapshotArgs } from './liveArgs.ts';

/** The command line of contract/README.md: `analyze --events <path>... --state <file> [--config <file>] [--format json|text]`. */
export interface AnalyzeArgs {
  command: 'analyze';
  events: string[];
  state: string | null;
  config: string | null;
  format: 'json' | 'text' | null;
}

export type ParsedArgs =
  | AnalyzeArgs
  | RemediateArgs
  | RollbackArgs
  | AuditListArgs
  | AuditShowArgs
  | SnapshotArgs
  | BackfillArgs
  | { command: 'help' }
  | { command: 'version' };

export const USAGE = `Usage:
  access-remediator analyze --events <path>... [--state <snapshot.json>] [--config <file>] [--format json|text]
  access-remediator remediate --events <path>... --state <snapshot.json> [--config <file>] [--audit <audit.jsonl>]
                              [--proposals <file.jsonl>] [--format json|text]
  access-remediator rollback <audit-id> (--state <snapshot.json> [--audit <audit.jsonl>] | --table <audit table>) [--actor <name>]
                             [--format json|text]
  access-remediator audit list [--account <id>] [--principal <arn or pattern>] [--verdict <v>] [--decision <d>]
                               [--since <time>] [--until <time>] [--limit <n>] [--audit <audit.jsonl> | --table <audit table>]
                               [--format json|text]
  access-remediator audit show <audit-id> [--audit <audit.jsonl> | --table <audit table>] [--format json|text]
  access-remediator snapshot --out <state.json> [--accounts <id,...>] [--regions <region,...>] [--organizations-account <id>]
  access-remediator backfill --since <time> [--until <time>] [--state <snapshot.json>] [--config <file>] [--format json|text]

  analyze    diagnose each event and print its report line; changes nothing
  remediate  diagnose each event and act on it: apply (auto-apply decisions, with verification and restore on
             failure), propose (needs-approval) or escalate; every event lands in the audit trail; one line per event
  rollback   restore the before-images of an applied audit record, only if its targets are unchanged since
  audit      list or show audit records
  snapshot   build the account-state snapshot from live accounts (read-only calls; other accounts through the member
             role, ACCESS_REMEDIATOR_MEMBER_ROLE, default access-remediator-member)
  backfill   analyse the AccessDenied events CloudTrail's event history holds for a time range (LookupEvents)

  Without --state, analyze and backfill read what each event needs live from AWS (standard credential chain,
  AWS_REGION, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>).

  --events     event files or directories (EventBridge events, CloudTrail records, trail log files plain or .gz,
               lookup-events output, JSON Lines); several paths may follow one --events
  --state      account-state snapshot (contract/state.schema.json); remediate and rollback change its policies in place
  --config     decision configuration (which patches may be applied without a person; for remediate also a
               "remediation" member: remediatorPrefix, userAgentMarker, stormWindowMinutes, appliesPerAccountPerHour,
               verifyDeadlineSeconds)
  --audit      the audit trail, JSON Lines (default ./access-remediator-audit.jsonl; storm state beside it)
  --table      the deployed audit trail (the central stack's DynamoDB audit table): audit list/show read it, and
               rollback --table undoes a live change through the member roles
  --proposals  where proposals and escalations go, JSON Lines (default: one line each on stderr)
  --actor      who asks for the rollback (default: the local user name)
  --since, --until  an ISO time (2026-11-20T01:00:00Z) or an age such as 30m, 24h, 7d
  --format     json (one line per event or record; default when stdout is not a terminal) or text

Exit status: 0 all records handled, 1 some records were invalid-event (remediate: or an apply failed; rollback:
refused or failed; audit show: no such record), 2 usage error or unreadable input.`;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help')
    return { command: 'help' };
  if (argv[0] === '--version' || argv[0] === 'version') return { command: 'version' };
  const [command, ...rest] = argv;
  switch (command) {
    case 'analyze':
      return parseAnalyze(rest);
    case 'remediate':
      return parseRemediateArgs(rest);
    case 'rollback':
      return parseRollbackArgs(rest);
    case 'audit':
      return parseAuditArgs(rest);
    case 'snapshot':
      return parseSnapshotArgs(rest);
    case 'backfill':
      return parseBackfillArgs(rest);
    default:
      throw new UsageError(
        `unknown command "${command}"; the commands are analyze, remediate, rollback, audit, snapshot and backfill`,
      );
  }
}

function parseAnalyze(rest: readonly string[]): AnalyzeArgs {
  const parsed = parseFlags(rest, ['--events', '--state', '--config', '--format']);
  noPositionals(parsed, 'analyze');
  const events = parsed.flags.get('--events') ?? [];
  if (events.length === 0) throw new UsageError('--events is required');
  return {
    command: 'analyze',
    events,
    state: one(parsed, '--state'),
    config: one(parsed, '--config'),
    format: format(parsed),
  };
}
