import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { filterAuditRecords } from '../remediation/auditFilter.ts';
import type { AuditFilter, AuditRecord } from '../remediation/ports.ts';
import { type AuditLister, auditRecordOf, DynamoAuditStore } from './dynamoAuditStore.ts';
import { attempt } from './errors.ts';

/**
 * `audit list` on the DynamoDB audit table. The table has no secondary index (template.yaml), so this is a Scan:
 * exact fields and the time range are filtered by DynamoDB, a principal pattern (`*`, `?`), the order and the
 * limit here. Kept apart from DynamoAuditStore so that the remediate function, whose role may not Scan, never
 * reaches a Scan call.
 */
export function auditTableScanner(document: DynamoDBDocumentClient, tableName: string): AuditLister {
  return async (filter: AuditFilter) => {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const equal = (field: string, value: string | undefined) => {
      if (value === undefined) return;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      conditions.push(`#${field} = :${field}`);
    };
    equal('account', filter.account);
    equal('verdict', filter.verdict);
    equal('decision', filter.decision);
    if (filter.principal !== undefined && !/[*?]/.test(filter.principal))
      equal('principal', filter.principal);
    // recordedAt is always toISOString(); a bound in another ISO spelling is brought to the same one to compare.
    const bound = (field: 'since' | 'until', operator: string) => {
      const value = filter[field];
      if (value === undefined || Number.isNaN(Date.parse(value))) return;
      names['#recordedAt'] = 'recordedAt';
      values[`:${field}`] = new Date(value).toISOString();
      conditions.push(`#recordedAt ${operator} :${field}`);
    };
    bound('since', '>=');
    bound('until', '<=');

    const records: AuditRecord[] = [];
    await attempt(`dynamodb:Scan ${tableName}`, async () => {
      const pages = paginateScan(
        { client: document },
        {
          TableName: tableName,
          ...(conditions.length > 0
            ? {
                FilterExpression: conditions.join(' AND '),
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              }
            : {}),
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) records.push(auditRecordOf(item));
    });
    return filterAuditRecords(records, filter);
  };
}

/** The audit store for the CLI's `audit list|show` and `rollback`: the DynamoDB store with Scan-based listing. */
export function scanningAuditStore(document: DynamoDBDocumentClient, tableName: string): DynamoAuditStore {
  return new DynamoAuditStore(document, tableName, auditTableScanner(document, tableName));
}
