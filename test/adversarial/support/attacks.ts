import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builders for attacks an ordinary caller can make: a real denied call (no forged fields) by a role or user of the
 * example organization, against a state that also holds the roles AWS and the remediator own and an account outside
 * the organization. Every field is one CloudTrail really writes for such a call.
 */
export const ROOT = join(__dirname, '../../..');
export const DATA_ACCOUNT = '111122223333';
export const CONSUMER_ACCOUNT = '444455556666';
export const OUTSIDE_ACCOUNT = '777788889999';
export const OUTSIDE_BUCKET = 'outside-partner-drop';
export const PLAIN_BUCKET = 'example-reports';

type Json = Record<string, unknown>;

const baseState = JSON.parse(readFileSync(join(ROOT, 'examples/state.json'), 'utf8')) as Json;

function roleLike(template: Json, account: string, path: string, name: string, id: string): Json {
  return {
    ...template,
    Path: path,
    RoleName: name,
    RoleId: id,
    Arn: `arn:aws:iam::${account}:role${path}${name}`,
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    PermissionsBoundary: undefined,
    Tags: [],
  };
}

/** Roles an attacker can make a denied call as, or name in a denied cross-account call. */
export const SPECIAL_ROLES = {
  sso: { path: '/aws-reserved/sso.amazonaws.com/', name: 'AWSReservedSSO_DataEngineer_0123456789abcdef' },
  ssoRegional: {
    path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
    name: 'AWSReservedSSO_ReadOnly_fedcba9876543210',
  },
  serviceLinked: {
    path: '/aws-service-role/replication.s3.amazonaws.com/',
    name: 'AWSServiceRoleForS3Replication',
  },
  remediatorMember: { path: '/', name: 'access-remediator-member' },
  remediatorForwarding: {
    path: '/access-remediator/',
    name: 'StackSet-access-remediator-memb-ForwardingRole-1XK2J3L4M5N6',
  },
  remediatorGenerated: {
    path: '/',
    name: 'StackSet-access-remediator-member-0a1b2c3d-ForwardingRole-7Y8Z9',
  },
} as const;
export type SpecialRole = keyof typeof SPECIAL_ROLES;

export function roleArn(role: SpecialRole, account = DATA_ACCOUNT): string {
  const { path, name } = SPECIAL_ROLES[role];
  return `arn:aws:iam::${account}:role${path}${name}`;
}

/** The example organization plus the special roles (in both member accounts) and an outside account with a bucket. */
export function attackState(): Json {
  const state = structuredClone(baseState) as {
    accounts: Record<string, { iam?: { RoleDetailList?: Json[] }; s3?: Json[] }>;
  };
  for (const account of [DATA_ACCOUNT, CONSUMER_ACCOUNT]) {
    const roles = state.accounts[account]!.iam!.RoleDetailList!;
    const template = roles[0]!;
    Object.entries(SPECIAL_ROLES).forEach(([, role], index) => {
      roles.push(
        roleLike(template, account, role.path, role.name, `AROA${account.slice(0, 4)}SPECIAL0000${index}`),
      );
    });
  }
  state.accounts[OUTSIDE_ACCOUNT] = {
    s3: [
      {
        name: OUTSIDE_BUCKET,
        region: 'us-east-1',
        policy: { Version: '2012-10-17', Statement: [] },
        encryption: null,
      },
    ],
  };
  return state as Json;
}

export interface DeniedCall {
  account?: string;
  roleName?: string;
  rolePath?: string;
  eventSource?: 's3.amazonaws.com' | 'kms.amazonaws.com';
  eventName: string;
  requestParameters: Json;
  errorMessage?: string;
  resources?: Json[];
  /** The S3 endpoint the call came through, if any. */
  vpcEndpointId?: string;
  eventId: string;
}

/** The EventBridge event CloudTrail delivers for a call denied to a role session. */
export function deniedEvent(call: DeniedCall): Json {
  const account = call.account ?? DATA_ACCOUNT;
  const roleName = call.roleName ?? 'app-writer';
  const path = call.rolePath ?? '/';
  const session = 'i-0c8f2e4a6b1d3f579';
  return {
    version: '0',
    id: `env-${call.eventId}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: call.eventSource === 'kms.amazonaws.com' ? 'aws.kms' : 'aws.s3',
    account,
    time: '2026-11-20T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLEATTACK:${session}`,
        arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
        accountId: account,
        accessKeyId: 'ASIAEXAMPLEATTACK000',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLEATTACK',
            arn: `arn:aws:iam::${account}:role${path}${roleName}`,
            accountId: account,
            userName: roleName,
          },
          attributes: { creationDate: '2026-11-20T09:40:00Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: '2026-11-20T10:00:00Z',
      eventSource: call.eventSource ?? 's3.amazonaws.com',
      eventName: call.eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: '10.20.3.41',
      userAgent: '[aws-cli/2.22.0 Python/3.12.6 Linux/6.1.115 exe/x86_64.amzn.2023]',
      errorCode: 'AccessDenied',
      errorMessage: call.errorMessage ?? 'Access Denied',
      requestParameters: call.requestParameters,
      responseElements: null,
      additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256' },
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: 'x',
      },
      requestID: `REQ${call.eventId.slice(0, 12)}`,
      eventID: call.eventId,
      readOnly: false,
      resources: call.resources ?? [],
      eventType: 'AwsApiCall',
      managementEvent: false,
      recipientAccountId: account,
      eventCategory: 'Data',
      ...(call.vpcEndpointId ? { vpcEndpointId: call.vpcEndpointId } : {}),
    },
  };
}

/** The IAM pattern language, written here independently of the engine: `*`, `?`, and the `${*}` `${?}` `${$}` escapes. */
export function patternMatches(pattern: string, value: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const escaped = /^\$\{([*?$])\}/.exec(pattern.slice(index));
    if (escaped) {
      source += `\\${escaped[1]}`;
      index += 3;
    } else if (pattern[index] === '*') source += '.*';
    else if (pattern[index] === '?') source += '.';
    else source += pattern[index]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(value);
}
