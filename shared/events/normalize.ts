import { isIP } from 'node:net';
import { z } from 'zod';
import { isAccountId, parseArn, partitionOfRegion, principalParts } from '../arn/arn.ts';
import type { CallerRef, EventResource, NormalizedEvent } from './types.ts';

/** The parts of a CloudTrail record the engine reads; everything else is kept out of the way. */
const optionalString = z.string().nullish();
const recordSchema = z.looseObject({
  eventID: z.string().min(1, 'eventID is empty'),
  eventSource: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/, 'is not a service endpoint name such as s3.amazonaws.com'),
  eventName: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'is not an API name such as PutObject'),
  eventTime: optionalString,
  awsRegion: optionalString,
  errorCode: optionalString,
  errorMessage: optionalString,
  eventCategory: optionalString,
  eventType: optionalString,
  recipientAccountId: optionalString,
  sharedEventID: optionalString,
  vpcEndpointId: optionalString,
  sourceIPAddress: optionalString,
  userAgent: optionalString,
  userIdentity: z.looseObject({}).nullish(),
  requestParameters: z.looseObject({}).nullish(),
  additionalEventData: z.looseObject({}).nullish(),
  resources: z.array(z.looseObject({})).nullish(),
  tlsDetails: z.looseObject({}).nullish(),
});

export type NormalizeResult =
  | { ok: true; event: NormalizedEvent }
  | { ok: false; eventId: string | null; reason: string };

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function obj(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function accountOf(arn: string | null): string | null {
  const parts = arn ? principalParts(arn) : null;
  return parts && parts.kind !== 'policy' && parts.kind !== 'group' && isAccountId(parts.account)
    ? parts.account
    : null;
}

function assumedRole(arn: string | null): { account: string; roleName: string } | null {
  const parts = arn ? principalParts(arn) : null;
  return parts?.kind === 'assumed-role' && isAccountId(parts.account)
    ? { account: parts.account, roleName: parts.roleName }
    : null;
}

/** userIdentity → who called; sessions keep both the session ARN and what the role/user is known by. */
export function callerFromIdentity(identity: Record<string, unknown> | null): CallerRef {
  if (!identity)
    return { type: 'unknown', accountId: null, arn: null, description: 'the record has no userIdentity' };
  const type = str(identity.type);
  const arn = str(identity.arn);
  const accountId = str(identity.accountId) ?? accountOf(arn);
  const principalId = str(identity.principalId);
  const issuer = obj(obj(identity.sessionContext)?.sessionIssuer);
  const issuerArn = str(issuer?.arn);

  const session = assumedRole(arn);
  if (type === 'AssumedRole' || session) {
    if (session || issuerArn) {
      const roleName = str(issuer?.userName) ?? session?.roleName ?? issuerArn!.split('/').pop()!;
      return {
        type: 'role',
        accountId: accountId ?? session?.account ?? accountOf(issuerArn) ?? '',
        roleArn: issuerArn && principalParts(issuerArn)?.kind === 'role' ? issuerArn : null,
        roleName,
        sessionArn: arn ?? `${issuerArn}/session`,
        principalId,
      };
    }
  }
  if (type === 'IAMUser' && arn && accountId) {
    return { type: 'user', accountId, arn, userName: str(identity.userName) ?? arn.split('/').pop()! };
  }
  if (type === 'Root' && accountId) return { type: 'root', accountId };
  if (type === 'FederatedUser' && arn && accountId)
    return { type: 'federated', accountId, sessionArn: arn, issuerArn };
  if (type === 'AWSService') {
    return { type: 'service', service: str(identity.invokedBy) ?? 'an AWS service' };
  }
  if (type === 'AWSAccount' && accountId) return { type: 'account', accountId, principalId };
  return {
    type: 'unknown',
    accountId,
    arn,
    description: `userIdentity type ${type ?? '(none)'} ${arn ?? ''}`.trim(),
  };
}

function resourcesOf(value: unknown[] | null | undefined): EventResource[] {
  const result: EventResource[] = [];
  for (const item of value ?? []) {
    const entry = obj(item);
    const arn = str(entry?.ARN) ?? str(entry?.arn);
    if (arn) result.push({ type: str(entry?.type), arn, accountId: str(entry?.accountId) });
  }
  return result;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
}

function arn(identity: Record<string, unknown> | null | undefined): string | null {
  return str(identity?.arn) ?? str(obj(obj(identity?.sessionContext)?.sessionIssuer)?.arn);
}

/** The caller's ARN says which partition the call was made in; without one, the region does. */
function partitionOfEvent(callerArn: string | null, region: string | null): string {
  return (callerArn ? parseArn(callerArn)?.partition : undefined) ?? partitionOfRegion(region);
}

/** A raw CloudTrail record → the engine's event, or the reason it cannot be read. */
export function normalizeRecord(record: Record<string, unknown>): NormalizeResult {
  const parsed = recordSchema.safeParse(record);
  if (!parsed.success) {
    return {
      ok: false,
      eventId: str(record.eventID),
      reason: `not a readable CloudTrail record: ${describeIssues(parsed.error)}`,
    };
  }
  const r = parsed.data;
  const identity = r.userIdentity ?? null;
  const sourceIpField = r.sourceIPAddress ?? null;
  const attributes = obj(obj(identity?.sessionContext)?.attributes);
  const mfa = str(attributes?.mfaAuthenticated);
  return {
    ok: true,
    event: {
      eventId: r.eventID,
      eventTime: r.eventTime ?? null,
      eventSource: r.eventSource,
      service: r.eventSource.split('.')[0] ?? r.eventSource,
      eventName: r.eventName,
      region: r.awsRegion ?? null,
      partition: partitionOfEvent(arn(identity), r.awsRegion ?? null),
      errorCode: r.errorCode ?? null,
      errorMessage: r.errorMessage ?? null,
      eventCategory: r.eventCategory ?? null,
      eventType: r.eventType ?? null,
      recipientAccountId: r.recipientAccountId ?? null,
      sharedEventId: r.sharedEventID ?? null,
      vpcEndpointId: r.vpcEndpointId ?? null,
      sourceIp: sourceIpField && isIP(sourceIpField) ? sourceIpField : null,
      sourceIpField,
      userAgent: r.userAgent ?? null,
      invokedBy: str(identity?.invokedBy),
      caller: callerFromIdentity(identity),
      requestParameters: r.requestParameters ?? {},
      additionalEventData: r.additionalEventData ?? {},
      resources: resourcesOf(r.resources),
      tlsVersion: str(r.tlsDetails?.tlsVersion),
      mfaAuthenticated: mfa === null ? null : mfa === 'true',
    },
  };
}
