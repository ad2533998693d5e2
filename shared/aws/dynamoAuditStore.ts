import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditFilter, AuditOutcome, AuditRecord, AuditStore } from '../remediation/ports.ts';
import { AwsAdapterError, attempt, isAwsError } from './errors.ts';

/**
 * Fields kept as JSON text: DynamoDB maps do not keep their keys' order, and a before-image must come back exactly
 * as it was read (it is what a rollback writes). The scalar fields stay attributes, so that a scan can filter on them.
 */
const JSON_FIELDS = new Set<keyof AuditRecord>(['request', 'patches', 'proof']);
const KEY = 'auditId';
const CONDITION_FAILED = 'ConditionalCheckFailedException';

export type AuditItem = Record<string, unknown>;

export function auditItemOf(record: AuditRecord): AuditItem {
  const item: AuditItem = {};
  for (const [field, value] of Object.entries(record))
    item[field] = JSON_FIELDS.has(field as keyof AuditRecord) ? JSON.stringify(value) : value;
  return item;
}

export function auditRecordOf(item: AuditItem): AuditRecord {
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(item))
    record[field] =
      JSON_FIELDS.has(field as keyof AuditRecord) && typeof value === 'string' ? JSON.parse(value) : value;
  // Numbers come back as numbers (the DocumentClient's default), nulls as null.
  return record as unknown as AuditRecord;
}

/** Lists records for `audit list`; a Scan needs dynamodb:Scan, which the function's role does not have. */
export type AuditLister = (filter: AuditFilter) => Promise<AuditRecord[]>;

/**
 * The audit trail in DynamoDB (template.yaml AuditTable: key `auditId`, no TTL: records never expire). Every
 * condition is checked by DynamoDB itself, so that concurrent invocations cannot both create or both move a record:
 * create only if absent, update only while the outcome is the expected one. Reads are strongly consistent.
 */
export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly document: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly lister: AuditLister | null = null,
  ) {}

  async create(record: AuditRecord): Promise<'created' | 'exists'> {
    try {
      await this.document.send(
        new PutCommand({
          TableName: this.tableName,
          Item: auditItemOf(record),
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': KEY },
        }),
      );
      return 'created';
    } catch (error) {
      if (isAwsError(error, CONDITION_FAILED)) return 'exists';
      return attempt(`dynamodb:PutItem audit record ${record.auditId} in ${this.tableName}`, () =>
        Promise.reject(error),
      );
    }
  }

  async update(auditId: string, change: Partial<AuditRecord>, expected: AuditOutcome): Promise<boolean> {
    const fields = Object.entries(change).filter(([field, value]) => field !== KEY && value !== undefined);
    if (fields.length === 0) return (await this.get(auditId))?.outcome === expected;
    const names: Record<string, string> = { '#outcome': 'outcome' };
    const values: Record<string, unknown> = { ':expected': expected };
    const sets = fields.map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = JSON_FIELDS.has(field as keyof AuditRecord) ? JSON.stringify(value) : value;
      return `#f${i} = :v${i}`;
    });
    try {
      await this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: auditId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          // Comparing the outcome also requires the item to exist: an update never creates a record.
          ConditionExpression: '#outcome = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, CONDITION_FAILED)) return false;
      return attempt(`dynamodb:UpdateItem audit record ${auditId} in ${this.tableName}`, () =>
        Promise.reject(error),
      );
    }
  }

  /**
   * One more occurrence of a storm on its first record, whatever its outcome: one UpdateItem with an atomic ADD (no
   * read-modify-write, no rewrite of the record), which returns the record as it now is. Null when the record does
   * not exist (never creates a stub).
   */
  async countOccurrence(auditId: string, now: Date): Promise<AuditRecord | null> {
    try {
      const answer = await this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEY]: auditId },
          UpdateExpression: 'ADD #occurrences :one SET #updatedAt = :now',
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { '#occurrences': 'occurrences', '#updatedAt': 'updatedAt', '#key': KEY },
          ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return answer.Attributes ? auditRecordOf(answer.Attributes) : this.get(auditId);
    } catch (error) {
      if (isAwsError(error, CONDITION_FAILED)) return null;
      return attempt(`dynamodb:UpdateItem occurrences of ${auditId} in ${this.tableName}`, () =>
        Promise.reject(error),
      );
    }
  }

  /** `countOccurrence`, answering only whether the record exists. */
  async incrementOccurrences(auditId: string, now: Date): Promise<boolean> {
    return (await this.countOccurrence(auditId, now)) !== null;
  }

  async get(auditId: string): Promise<AuditRecord | null> {
    const answer = await attempt(`dynamodb:GetItem audit record ${auditId} in ${this.tableName}`, () =>
      this.document.send(
        new GetCommand({ TableName: this.tableName, Key: { [KEY]: auditId }, ConsistentRead: true }),
      ),
    );
    return answer.Item ? auditRecordOf(answer.Item) : null;
  }

  list(filter: AuditFilter): Promise<AuditRecord[]> {
    if (!this.lister)
      return Promise.reject(
        new AwsAdapterError(
          `listing the audit table ${this.tableName} needs a lister (shared/aws/dynamoAuditScan.ts); this store has none`,
        ),
      );
    return this.lister(filter);
  }
}
