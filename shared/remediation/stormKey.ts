import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../events/types.ts';
import type { ReportLine } from '../report/types.ts';

/**
 * What makes events one storm: the same caller lacking the same permissions for the same request resource. Missing
 * permissions are sorted so that the order the engine found them in does not split a storm.
 */
export function stormKeyOf(line: Pick<ReportLine, 'principal' | 'missing' | 'request'>): string {
  const missing = line.missing.map((m) => `${m.action}@${m.resource ?? '*'}`).sort();
  return [line.principal ?? '-', missing.join(',') || '-', line.request?.resource ?? '-'].join('|');
}

/** Request parameters that name one request of a series (a multipart upload, its part), not what was asked. */
const PER_REQUEST_PARAMETERS = new Set(['uploadId', 'partNumber']);

/**
 * A storm key computed from the event alone, before any state is read: a digest of everything the engine reads
 * from an event except what names the one request (event ids, time, S3's per-request extras such as x-amz-id-2 and
 * byte counts; of additionalEventData only SSEKMSKeyId is read). Two events with the same event key are the same
 * request by the same caller, so against the same state they get the same diagnosis and the same storm key; one
 * storm may have several event keys (sessions, source addresses), never the other way round. The time is left out:
 * the storm window bounds it. Keys stay in the order the record has them: one producer writes its records alike,
 * and a different order costs one more diagnosis, not a wrong count.
 */
export function eventStormKey(event: NormalizedEvent): string {
  const {
    eventId: _eventId,
    eventTime: _eventTime,
    sharedEventId: _sharedEventId,
    requestParameters,
    additionalEventData,
    ...asked
  } = event;
  const shape = {
    ...asked,
    requestParameters: Object.fromEntries(
      Object.entries(requestParameters).filter(([name]) => !PER_REQUEST_PARAMETERS.has(name)),
    ),
    sseKmsKeyId: additionalEventData.SSEKMSKeyId ?? null,
  };
  const digest = createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 32);
  return `event|${event.eventSource}:${event.eventName}|${digest}`;
}
