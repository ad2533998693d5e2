import { writeFile } from 'node:fs/promises';
import { AwsClients } from '../aws/clients.ts';
import { lookupDeniedEvents } from '../aws/cloudTrail.ts';
import { buildSnapshot } from '../aws/snapshotBuilder.ts';
import { recordsFromValue } from '../input/records.ts';
import type { BackfillArgs, SnapshotArgs } from './liveArgs.ts';
import { InputFileError } from './loadFiles.ts';
import { resolveTimeArg } from './timeArg.ts';

function memberRoleName(): string | undefined {
  return process.env.ACCESS_REMEDIATOR_MEMBER_ROLE || undefined;
}

function warn(message: string): void {
  process.stderr.write(`access-remediator: ${message}\n`);
}

/** Builds the contract's snapshot from live accounts, through the same adapters the Lambda uses. */
export async function snapshotCommand(args: SnapshotArgs): Promise<number> {
  const clients = new AwsClients({ memberRoleName: memberRoleName() });
  const snapshot = await buildSnapshot(clients, {
    ...(args.accounts ? { accounts: args.accounts } : {}),
    ...(args.regions ? { regions: args.regions } : {}),
    ...(args.organizationsAccount ? { organizationsAccountId: args.organizationsAccount } : {}),
    warn,
  });
  try {
    await writeFile(args.out, `${JSON.stringify(snapshot, null, 2)}\n`);
  } catch (cause) {
    throw new InputFileError(`cannot write snapshot ${args.out}: ${(cause as Error).message}`, { cause });
  }
  const accounts = Object.keys(snapshot.accounts);
  process.stderr.write(
    `access-remediator: wrote ${args.out} (${accounts.length} account${accounts.length === 1 ? '' : 's'}; ${clients.counter.total()} AWS calls)\n`,
  );
  return 0;
}

/** The AccessDenied records CloudTrail's event history holds for a time range, as raw records to analyse. */
export async function backfillRecords(args: BackfillArgs, now: Date) {
  const since = new Date(resolveTimeArg('--since', args.since, now));
  const until = args.until ? new Date(resolveTimeArg('--until', args.until, now)) : now;
  const clients = new AwsClients({ memberRoleName: memberRoleName() });
  const records = await lookupDeniedEvents(await clients.cloudTrail(), since, until);
  return records.flatMap((record, index) =>
    recordsFromValue(record, { file: 'cloudtrail:LookupEvents', index }),
  );
}
