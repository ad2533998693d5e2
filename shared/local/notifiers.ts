import type { AuditRecord, Notifier } from '../remediation/ports.ts';
import { JsonlLog } from './jsonlLog.ts';

/** Proposals and escalations appended to a JSON Lines file, one whole audit record per line, for people or tools. */
export class JsonlNotifier implements Notifier {
  private readonly log: JsonlLog<{ notifiedAt: string; record: AuditRecord }>;
  private readonly now: () => Date;

  constructor(path: string, now: () => Date = () => new Date()) {
    this.log = new JsonlLog(path);
    this.now = now;
  }

  notify(record: AuditRecord): Promise<void> {
    return this.log.append({ notifiedAt: this.now().toISOString(), record });
  }
}

/** One readable line per proposal or escalation on a stream (stderr for the CLI, so stdout stays the report). */
export class StreamNotifier implements Notifier {
  private readonly stream: NodeJS.WritableStream;

  constructor(stream: NodeJS.WritableStream) {
    this.stream = stream;
  }

  async notify(record: AuditRecord): Promise<void> {
    const what = record.outcome === 'escalated' ? 'escalation' : 'proposal';
    const targets = record.patches.map((p) => p.target.arn).join(', ');
    this.stream.write(
      `access-remediator: ${what} ${record.auditId} (${record.verdict}${record.principal ? `, ${record.principal}` : ''})${targets ? ` → ${targets}` : ''}: ${record.outcomeReason ?? record.reason}\n`,
    );
  }
}
