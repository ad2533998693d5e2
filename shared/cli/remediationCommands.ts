import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { readEventInputs } from '../input/readEventFiles.ts';
import { JsonlAuditStore } from '../local/jsonlAuditStore.ts';
import { localRemediationDeps } from '../local/localDeps.ts';
import { DEFAULT_REMEDIATION_OPTIONS } from '../remediation/options.ts';
import type { AuditFilter, AuditStore } from '../remediation/ports.ts';
import { remediateRecord } from '../remediation/remediateRecord.ts';
import type { RollbackDeps } from '../remediation/rollback.ts';
import { rollback } from '../remediation/rollback.ts';
import { InputFileError, loadSnapshot } from './loadFiles.ts';
import { loadRemediationOptions } from './loadRemediationConfig.ts';
import { outputFormat, wantsColor, write } from './output.ts';
import type { AuditListArgs, AuditShowArgs, RemediateArgs, RollbackArgs } from './remediationArgs.ts';
import {
  formatOutcomeSummary,
  formatRecordLine,
  formatRecordText,
  formatResultText,
  resultLine,
} from './remediationFormat.ts';
import { colored, plain } from './textFormat.ts';
import { resolveTimeArg } from './timeArg.ts';
import { UsageError } from './usageError.ts';

export const DEFAULT_AUDIT_PATH = 'access-remediator-audit.jsonl';

const EXIT_OK = 0;
const EXIT_SOME_FAILED = 1;

function requireState(state: string | null, command: string): string {
  if (state === null)
    throw new UsageError(
      `--state is required for ${command} in this version: the snapshot file is the account it changes (live AWS accounts come with the AWS adapters)`,
    );
  return state;
}

function existingAudit(path: string | null): string {
  const resolved = path ?? DEFAULT_AUDIT_PATH;
  if (!existsSync(resolved)) throw new InputFileError(`audit trail ${resolved} does not exist`);
  return resolved;
}

const paintFor = () => (wantsColor(process.stdout) ? colored : plain);

export async function remediateCommand(args: RemediateArgs): Promise<number> {
  const state = requireState(args.state, 'remediate');
  const [, options] = await Promise.all([loadSnapshot(state), loadRemediationOptions(args.config)]);
  const deps = localRemediationDeps({
    state,
    audit: args.audit ?? DEFAULT_AUDIT_PATH,
    proposals: args.proposals,
  });
  const format = outputFormat(args.format);
  const paint = paintFor();
  const counts = new Map<string, number>();
  let total = 0;
  let troubled = 0;
  for await (const raw of readEventInputs(args.events)) {
    const result = await remediateRecord(raw, deps, options);
    const { record } = result;
    const key = result.handling === 'recorded' ? record.outcome : result.handling;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total += 1;
    if (
      record.verdict === 'invalid-event' ||
      record.outcome === 'failed' ||
      result.handling === 'not-recorded'
    )
      troubled += 1;
    await write(
      format === 'json'
        ? `${JSON.stringify(resultLine(result))}\n`
        : `${formatResultText(result, paint)}\n\n`,
    );
  }
  if (format === 'text') await write(`${formatOutcomeSummary(counts, total, paint)}\n`);
  return troubled > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}

function localActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown';
  }
}

async function rollbackDeps(args: RollbackArgs): Promise<RollbackDeps> {
  if (args.table !== null) return (await import('./liveAudit.ts')).liveRollbackDeps(args.table);
  const state = requireState(args.state, 'rollback');
  const audit = existingAudit(args.audit);
  await loadSnapshot(state);
  return localRemediationDeps({ state, audit, proposals: null });
}

/** The audit trail to read: the deployed DynamoDB table with --table, else the local JSON Lines file. */
async function auditStoreFor(args: { audit: string | null; table: string | null }): Promise<AuditStore> {
  if (args.table !== null) return (await import('./liveAudit.ts')).dynamoAuditStore(args.table);
  return new JsonlAuditStore(existingAudit(args.audit));
}

export async function rollbackCommand(args: RollbackArgs): Promise<number> {
  const deps = await rollbackDeps(args);
  const result = await rollback(args.auditId, deps, {
    actor: args.actor ?? localActor(),
    verification: DEFAULT_REMEDIATION_OPTIONS.verification,
  });
  const format = outputFormat(args.format);
  const paint = paintFor();
  if (result.ok) {
    await write(
      format === 'json'
        ? `${JSON.stringify({ ok: true, auditId: args.auditId, rollbackAuditId: result.record.auditId, outcome: result.record.outcome, reason: result.record.outcomeReason })}\n`
        : `${paint(['bold', 'blue'], 'ROLLED BACK')} ${args.auditId}  ${paint('dim', `audit ${result.record.auditId}`)}\n  ${result.record.outcomeReason}\n`,
    );
    return EXIT_OK;
  }
  await write(
    format === 'json'
      ? `${JSON.stringify({ ok: false, auditId: args.auditId, rollbackAuditId: result.record?.auditId ?? null, reason: result.reason, drift: result.drift })}\n`
      : `${paint(['bold', 'red'], 'REFUSED')} ${args.auditId}\n  ${result.reason}\n${result.drift ? `\n${result.drift}\n` : ''}`,
  );
  return EXIT_SOME_FAILED;
}

export async function auditListCommand(args: AuditListArgs): Promise<number> {
  const store = await auditStoreFor(args);
  const now = new Date();
  const filter: AuditFilter = {};
  if (args.account !== null) filter.account = args.account;
  if (args.principal !== null) filter.principal = args.principal;
  if (args.verdict !== null) filter.verdict = args.verdict;
  if (args.decision !== null) filter.decision = args.decision;
  if (args.since !== null) filter.since = resolveTimeArg('--since', args.since, now);
  if (args.until !== null) filter.until = resolveTimeArg('--until', args.until, now);
  if (args.limit !== null) filter.limit = args.limit;
  const records = await store.list(filter);
  const format = outputFormat(args.format);
  const paint = paintFor();
  for (const record of records)
    await write(format === 'json' ? `${JSON.stringify(record)}\n` : `${formatRecordLine(record, paint)}\n`);
  return EXIT_OK;
}

export async function auditShowCommand(args: AuditShowArgs): Promise<number> {
  const store = await auditStoreFor(args);
  const record = await store.get(args.auditId);
  if (!record) {
    process.stderr.write(
      `access-remediator: no audit record ${args.auditId} in ${args.table ?? args.audit ?? DEFAULT_AUDIT_PATH}\n`,
    );
    return EXIT_SOME_FAILED;
  }
  const format = outputFormat(args.format);
  await write(
    format === 'json' ? `${JSON.stringify(record)}\n` : `${formatRecordText(record, paintFor())}\n`,
  );
  return EXIT_OK;
}
