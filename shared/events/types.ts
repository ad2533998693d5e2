/** The caller as the event names it, before it is resolved against the account state. */
export type CallerRef =
  | {
      type: 'role';
      accountId: string;
      roleArn: string | null;
      roleName: string;
      sessionArn: string;
      principalId: string | null;
    }
  | { type: 'user'; accountId: string; arn: string; userName: string }
  | { type: 'root'; accountId: string }
  | { type: 'federated'; accountId: string; sessionArn: string; issuerArn: string | null }
  | { type: 'service'; service: string }
  /** The resource owner's copy of a cross-account call names only the account and the caller's unique id. */
  | { type: 'account'; accountId: string; principalId: string | null }
  | { type: 'unknown'; accountId: string | null; arn: string | null; description: string };

export interface EventResource {
  type: string | null;
  arn: string;
  accountId: string | null;
}

/** One CloudTrail record in the shape the engine works with; every field comes from the record. */
export interface NormalizedEvent {
  eventId: string;
  eventTime: string | null;
  eventSource: string;
  /** 's3', 'kms', ... (the eventSource's first label). */
  service: string;
  eventName: string;
  region: string | null;
  /** aws, aws-cn, aws-us-gov, …: from the caller's ARN, else the region. Every ARN the engine writes uses it. */
  partition: string;
  errorCode: string | null;
  errorMessage: string | null;
  eventCategory: string | null;
  eventType: string | null;
  recipientAccountId: string | null;
  sharedEventId: string | null;
  vpcEndpointId: string | null;
  /** The caller's IP address; null when CloudTrail names a service (s3.amazonaws.com) or AWS Internal. */
  sourceIp: string | null;
  sourceIpField: string | null;
  userAgent: string | null;
  invokedBy: string | null;
  caller: CallerRef;
  requestParameters: Record<string, unknown>;
  additionalEventData: Record<string, unknown>;
  resources: EventResource[];
  tlsVersion: string | null;
  mfaAuthenticated: boolean | null;
}

/** The caller's account as the record names it; null for AWS services and unidentified callers. */
export function callerAccountOf(caller: CallerRef): string | null {
  return caller.type === 'service' ? null : caller.accountId;
}
