import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, Notifier } from '../remediation/ports.ts';
import { attempt, isAwsError } from './errors.ts';

/** Outcomes that wait for a person's approval; escalations have no patch to approve. */
const AWAITING_APPROVAL = new Set<AuditRecord['outcome']>(['proposed', 'rate-limited']);

/**
 * Proposals waiting for approval in DynamoDB (template.yaml ProposalsTable: key `auditId`, no TTL), one item per
 * audit record, for the approval flow to find and decide. The item points at the audit record, which keeps the
 * patches; it is written once (a redelivered notification leaves it as it is).
 */
export class DynamoProposalRecorder implements Notifier {
  constructor(
    private readonly document: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async notify(record: AuditRecord): Promise<void> {
    if (!AWAITING_APPROVAL.has(record.outcome)) return;
    try {
      await this.document.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            auditId: record.auditId,
            status: 'pending',
            proposedAt: this.now().toISOString(),
            eventId: record.eventId,
            account: record.account,
            principal: record.principal,
            verdict: record.verdict,
            decision: record.decision,
            outcome: record.outcome,
            targets: record.patches.map((p) => p.target.arn),
          },
          ConditionExpression: 'attribute_not_exists(auditId)',
        }),
      );
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return;
      await attempt(`dynamodb:PutItem proposal ${record.auditId} in ${this.tableName}`, () =>
        Promise.reject(error),
      );
    }
  }
}

/** Several notifiers in order; the first failure stops the rest and is the notification's failure. */
export class NotifierChain implements Notifier {
  constructor(private readonly notifiers: Notifier[]) {}

  async notify(record: AuditRecord): Promise<void> {
    for (const notifier of this.notifiers) await notifier.notify(record);
  }
}
