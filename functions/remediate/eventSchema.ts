import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';

/**
 * The CloudTrail record inside the event, loosely: the fields the function relies on before the engine's own
 * normalization (shared/events/normalize.ts) reads the rest. `eventID` is the idempotency key and the audit id.
 */
export const cloudTrailRecordSchema = z.looseObject({
  eventVersion: z.string().optional(),
  eventID: z.string().trim().min(1),
  eventTime: z.string().min(1),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: z.string().min(1),
  userIdentity: z.looseObject({ type: z.string().optional() }),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  recipientAccountId: z.string().optional(),
});

/**
 * A CloudTrail record delivered by EventBridge (detail-type "AWS API Call via CloudTrail", or the China partition's
 * "Amazon …", and their siblings), on Powertools' EventBridge envelope schema.
 */
export const cloudTrailEventSchema = EventBridgeSchema.extend({
  'detail-type': z.string().regex(/^(AWS|Amazon) .* via CloudTrail$/, 'is not a CloudTrail detail type'),
  detail: cloudTrailRecordSchema,
});

export type CloudTrailEvent = z.infer<typeof cloudTrailEventSchema>;
