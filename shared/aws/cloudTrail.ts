import { type CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { isAuthorizationFailure, isKeyStateFailure } from '../messages/parseDenialMessage.ts';
import { attempt } from './errors.ts';

const EVENT_SOURCES = ['s3.amazonaws.com', 'kms.amazonaws.com'];

function eventTimeOf(record: Record<string, unknown>): string {
  return typeof record.eventTime === 'string' ? record.eventTime : '';
}

/**
 * The S3 and KMS records of one account and region between `since` and `until` whose errorCode is an authorization
 * or key-state failure, oldest first, as raw CloudTrail records (the `backfill` command normalizes them).
 *
 * LookupEvents sees management events only (90 days): S3 object-level data events (GetObject, PutObject) reach it
 * only through the KMS calls S3 makes for them. It takes one lookup attribute per call, so each event source is
 * paged separately; the client paces pages with adaptive retry (2 requests per second per account and region).
 */
export async function lookupDeniedEvents(
  client: CloudTrailClient,
  since: Date,
  until: Date,
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  for (const source of EVENT_SOURCES) {
    await attempt(
      `cloudtrail:LookupEvents ${source} ${since.toISOString()}..${until.toISOString()}`,
      async () => {
        const pages = paginateLookupEvents(
          { client, pageSize: 50 },
          {
            StartTime: since,
            EndTime: until,
            LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: source }],
          },
        );
        for await (const page of pages) {
          for (const event of page.Events ?? []) {
            if (!event.CloudTrailEvent) continue;
            let record: Record<string, unknown>;
            try {
              record = JSON.parse(event.CloudTrailEvent) as Record<string, unknown>;
            } catch {
              continue;
            }
            const code = typeof record.errorCode === 'string' ? record.errorCode : null;
            const eventSource = typeof record.eventSource === 'string' ? record.eventSource : null;
            if (!isAuthorizationFailure(code) && !isKeyStateFailure(code, eventSource)) continue;
            const id = typeof record.eventID === 'string' ? record.eventID : (event.EventId ?? '');
            found.set(id || `${found.size}`, record);
          }
        }
      },
    );
  }
  return [...found.values()].sort((a, b) => eventTimeOf(a).localeCompare(eventTimeOf(b)));
}
