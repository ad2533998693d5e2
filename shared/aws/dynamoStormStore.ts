import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, StormClaim, StormStore } from '../remediation/ports.ts';
import type { DynamoAuditStore } from './dynamoAuditStore.ts';
import { attempt, isAwsError } from './errors.ts';

const HOUR_MS = 3_600_000;
const CONDITION_FAILED = 'ConditionalCheckFailedException';

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/** A storm key can be long (principal, every missing permission, resource); the partition key stays short. */
function stormPk(stormKey: string): string {
  return `storm#${createHash('sha256').update(stormKey).digest('hex')}`;
}

/** The clock hour of `ms`, as "2026-11-20T13". */
function hourOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

function appliesPk(account: string, hour: string): string {
  return `applies#${account}#${hour}`;
}

/** The audit id a failed conditional put returned (ReturnValuesOnConditionCheckFailure), in either encoding. */
function auditIdOfOld(error: unknown): string | null {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  const value = item?.auditId;
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : null;
}

/**
 * Event storms and the per-account apply limit in DynamoDB (template.yaml StormTable: key `pk`, TTL `expiresAt`).
 * Both kinds of item only matter within their window, so they carry a TTL; the audit records they point at do not.
 *
 * - A claim (`storm#<sha256 of the storm key>`) holds for `windowSeconds` on either side of its time (events may
 *   arrive out of order). A conditional put takes it when there is none or the one there is out of the window;
 *   otherwise the holder's audit id comes back with the failed condition. TTL: the window's end.
 * - Applies are counted per account and clock hour (`applies#<account>#<hour>`): an atomic ADD to a counter and an
 *   append of the apply's time, so that "the last hour" is exact from two items. TTL: an hour after the hour ends.
 * - Later occurrences of a storm are counted on the storm's first audit record (one UpdateItem with an atomic ADD).
 * - `heldClaim` reads a claim without taking it (one consistent GetItem): the storm fast path's only storm read.
 */
export class DynamoStormStore implements StormStore {
  constructor(
    private readonly document: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly audit: DynamoAuditStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(
    stormKey: string,
    auditId: string,
    windowSeconds: number,
    now: Date,
  ): Promise<{ first: true } | { first: false; auditId: string }> {
    const at = now.getTime();
    const windowMs = windowSeconds * 1000;
    const pk = stormPk(stormKey);
    try {
      await this.document.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            kind: 'storm',
            stormKey,
            auditId,
            claimedAt: now.toISOString(),
            claimedAtMs: at,
            windowSeconds,
            expiresAt: epochSeconds(at + windowMs),
          },
          // Taken: none there, or the one there is at least a window away from this event.
          ConditionExpression: 'attribute_not_exists(#pk) OR #at <= :windowStart OR #at >= :windowEnd',
          ExpressionAttributeNames: { '#pk': 'pk', '#at': 'claimedAtMs' },
          ExpressionAttributeValues: { ':windowStart': at - windowMs, ':windowEnd': at + windowMs },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { first: true };
    } catch (error) {
      if (!isAwsError(error, CONDITION_FAILED))
        return attempt(`dynamodb:PutItem storm claim in ${this.tableName}`, () => Promise.reject(error));
      const holder = auditIdOfOld(error) ?? (await this.holderOf(pk));
      // Held, but gone by now (expired and deleted between the two calls): this event is the storm's first.
      return holder ? { first: false, auditId: holder } : this.claim(stormKey, auditId, windowSeconds, now);
    }
  }

  private async claimItem(pk: string): Promise<Record<string, unknown> | undefined> {
    const answer = await attempt(`dynamodb:GetItem storm claim in ${this.tableName}`, () =>
      this.document.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true })),
    );
    return answer.Item;
  }

  private async holderOf(pk: string): Promise<string | null> {
    const auditId = (await this.claimItem(pk))?.auditId;
    return typeof auditId === 'string' ? auditId : null;
  }

  async heldClaim(stormKey: string, windowSeconds: number, now: Date): Promise<StormClaim | null> {
    const item = await this.claimItem(stormPk(stormKey));
    const at = item?.claimedAtMs;
    const auditId = item?.auditId;
    if (typeof at !== 'number' || typeof auditId !== 'string') return null;
    // Held exactly when `claim` would refuse it: strictly within the window on either side.
    return Math.abs(at - now.getTime()) < windowSeconds * 1000 ? { auditId, at: new Date(at) } : null;
  }

  countOccurrence(auditId: string): Promise<AuditRecord | null> {
    return this.audit.countOccurrence(auditId, this.now());
  }

  async appliesInLastHour(account: string, now: Date): Promise<number> {
    const end = now.getTime();
    const start = end - HOUR_MS;
    // `start` is exactly an hour before `end`: always the previous clock hour, so two distinct items.
    const items = await Promise.all(
      [hourOf(start), hourOf(end)].map((hour) =>
        attempt(`dynamodb:GetItem apply count of ${account} (${hour}) in ${this.tableName}`, () =>
          this.document.send(
            new GetCommand({
              TableName: this.tableName,
              Key: { pk: appliesPk(account, hour) },
              ConsistentRead: true,
            }),
          ),
        ),
      ),
    );
    const times = items.flatMap((answer) => {
      const list = answer.Item?.appliedAtMs;
      return Array.isArray(list) ? list.filter((t): t is number => typeof t === 'number') : [];
    });
    return times.filter((t) => t > start && t <= end).length;
  }

  async recordApply(account: string, now: Date): Promise<void> {
    const at = now.getTime();
    const hour = hourOf(at);
    const hourEnd = Date.parse(`${hour}:00:00.000Z`) + HOUR_MS;
    await attempt(`dynamodb:UpdateItem apply count of ${account} (${hour}) in ${this.tableName}`, () =>
      this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: appliesPk(account, hour) },
          UpdateExpression:
            'SET #kind = :kind, #account = :account, #times = list_append(if_not_exists(#times, :none), :at), #expiresAt = :expiresAt ADD #count :one',
          ExpressionAttributeNames: {
            '#kind': 'kind',
            '#account': 'account',
            '#times': 'appliedAtMs',
            '#expiresAt': 'expiresAt',
            '#count': 'applies',
          },
          ExpressionAttributeValues: {
            ':kind': 'applies',
            ':account': account,
            ':none': [],
            ':at': [at],
            ':expiresAt': epochSeconds(hourEnd + HOUR_MS),
            ':one': 1,
          },
        }),
      ),
    );
  }
}
