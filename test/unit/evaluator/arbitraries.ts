// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import fc from 'fast-check';
import type { CallerIdentity } from '../../../shared/evaluator/types.ts';
import type {
  ConditionBlock,
  PolicyDocument,
  PolicyStatement,
  PrincipalBlock,
} from '../../../shared/policy/types.ts';

/**
 * fast-check arbitraries for the differential oracle test: realistic S3/KMS authorization cases (caller,
 * action, resource, request context and every policy kind that applies), generated so that the policies
 * refer to the request often enough that allowed, explicitly denied and implicitly denied outcomes are all
 * common. Generation is request-first: the request is drawn, then every policy element is drawn from a pool
 * that mixes values matching the request with near misses.
 */

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
const REGION = 'us-east-1';

export type Family = 'kms-same-account' | 'kms-cross-account' | 's3-same-account' | 's3-cross-account';
export const FAMILIES: readonly Family[] = [
  'kms-same-account',
  'kms-cross-account',
  's3-same-account',
  's3-cross-account',
];

/** Request context as AWS spells the keys; multivalued keys are arrays. */
export type ContextRecord = Record<string, string | string[]>;

export interface GeneratedCase {
  family: Family;
  caller: CallerIdentity;
  action: string;
  resource: string;
  resourceAccount: string;
  resourceIsKmsKey: boolean;
  context: ContextRecord;
  identityPolicies: PolicyDocument[];
  /** Key policy or bucket policy. */
  resourcePolicy: PolicyDocument | null;
  permissionsBoundary: PolicyDocument | null;
  /** Session policy of a role session (the oracle takes one). */
  sessionPolicy: PolicyDocument | null;
  /** SCPs per level, root first; null when the caller's account is not governed by SCPs. */
  scpLevels: PolicyDocument[][] | null;
}

/** Keys whose request value is a list (ArrayOf... in the Service Authorization Reference). */
export const MULTIVALUED_KEYS: ReadonlySet<string> = new Set(['aws:calledvia', 'kms:encryptioncontextkeys']);

// ---------------------------------------------------------------------------------------------------------
// The world: two accounts, each with roles, users, two KMS keys and a bucket.

const otherAccount = (account: string): string => (account === ACCOUNT_A ? ACCOUNT_B : ACCOUNT_A);
const keyArn = (account: string, index: 1 | 2): string =>
  `arn:aws:kms:${REGION}:${account}:key/${index === 1 ? '1111aaaa' : '2222bbbb'}-0000-4000-8000-00000000000${index}`;
const bucketOf = (account: string): string => (account === ACCOUNT_A ? 'bucket-a' : 'bucket-b');
const rootArn = (account: string): string => `arn:aws:iam::${account}:root`;

const ROLES = [
  { name: 'App', path: '/' },
  { name: 'DataPipeline', path: '/service/' },
] as const;
const USERS = ['alice', 'bob'] as const;
const OBJECT_KEYS = ['alice/report.txt', 'shared/data.csv', 'App/out.json'] as const;
const SOURCE_IPS = ['10.0.0.5', '10.20.30.40', '192.0.2.10', '203.0.113.7', '198.51.100.1', '2001:db8::5'];
const CURRENT_TIMES = ['2024-06-01T12:00:00Z', '2023-11-30T23:59:59Z', '2025-03-15T08:30:00Z'];

const KMS_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:DescribeKey',
] as const;
const S3_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] as const;
const S3_BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketPolicy'] as const;
/** KMS actions that carry an encryption context (and so kms:EncryptionContext:* keys). */
const KMS_CONTEXT_ACTIONS: ReadonlySet<string> = new Set([
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
]);

// ---------------------------------------------------------------------------------------------------------
// Drawing helpers over fast-check's imperative generator.

class Draw {
  constructor(private readonly g: fc.GeneratorValue) {}

  pick<T>(items: readonly T[]): T {
    return this.g(() => fc.constantFrom(...items));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.g(() => fc.integer({ min: 0, max: 9999 })) < p * 10_000;
  }

  int(min: number, max: number): number {
    return this.g(() => fc.integer({ min, max }));
  }

  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    const total = pairs.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.int(0, total - 1);
    for (const [value, weight] of pairs) {
      if (roll < weight) return value;
      roll -= weight;
    }
    return pairs[pairs.length - 1]![0];
  }

  /** 1..max distinct items (fewer when the pool is small); repeated pool items weigh more. */
  some<T>(items: readonly T[], max: number): T[] {
    const count = this.int(1, Math.min(max, new Set(items).size));
    const chosen: T[] = [];
    while (chosen.length < count) {
      const item = this.pick(items);
      if (!chosen.includes(item)) chosen.push(item);
    }
    return chosen;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Request

interface Skeleton {
  family: Family;
  caller: CallerIdentity;
  action: string;
  resource: string;
  resourceAccount: string;
  kms: boolean;
  /** The request came through S3 on the caller's behalf (kms:ViaService, encryption context, CalledVia). */
  viaS3: boolean;
  context: ContextRecord;
}

function drawCaller(d: Draw, account: string): CallerIdentity {
  const kind = d.weighted([
    ['role', 55],
    ['user', 37],
    ['root', 8],
  ] as const);
  if (kind === 'role') {
    const role = d.pick(ROLES);
    const session = d.pick(['i-0abc123', 'alice@example.com']);
    return {
      accountId: account,
      kind: 'role',
      arn: `arn:aws:iam::${account}:role${role.path}${role.name}`,
      sessionArn: `arn:aws:sts::${account}:assumed-role/${role.name}/${session}`,
    };
  }
  if (kind === 'user') {
    return {
      accountId: account,
      kind: 'user',
      arn: `arn:aws:iam::${account}:user/${d.pick(USERS)}`,
      sessionArn: null,
    };
  }
  return { accountId: account, kind: 'root', arn: rootArn(account), sessionArn: null };
}

function principalType(caller: CallerIdentity): string {
  if (caller.kind === 'role') return 'AssumedRole';
  if (caller.kind === 'user') return 'User';
  return 'Account';
}

function drawSkeleton(d: Draw, family: Family): Skeleton {
  const callerAccount = d.pick([ACCOUNT_A, ACCOUNT_B]);
  const crossAccount = family.endsWith('cross-account');
  const resourceAccount = crossAccount ? otherAccount(callerAccount) : callerAccount;
  const caller = drawCaller(d, callerAccount);
  const kms = family.startsWith('kms');

  let action: string;
  let resource: string;
  if (kms) {
    action = d.pick(KMS_ACTIONS);
    resource = keyArn(resourceAccount, d.weighted([[1, 4] as const, [2, 1] as const]));
  } else {
    const objectAction = d.chance(0.75);
    action = objectAction ? d.pick(S3_OBJECT_ACTIONS) : d.pick(S3_BUCKET_ACTIONS);
    const bucket = bucketOf(resourceAccount);
    resource = objectAction ? `arn:aws:s3:::${bucket}/${d.pick(OBJECT_KEYS)}` : `arn:aws:s3:::${bucket}`;
  }
  const viaS3 = kms && KMS_CONTEXT_ACTIONS.has(action) && d.chance(0.5);

  const context: ContextRecord = {
    'aws:PrincipalArn': caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalType': principalType(caller),
    'aws:ResourceAccount': resourceAccount,
    'aws:CurrentTime': d.pick(CURRENT_TIMES),
  };
  if (caller.kind === 'user') {
    context['aws:username'] = caller.arn.slice(caller.arn.lastIndexOf('/') + 1);
    if (d.chance(0.5)) {
      context['aws:MultiFactorAuthPresent'] = 'true';
      context['aws:MultiFactorAuthAge'] = d.pick(['120', '3600', '86400']);
    }
  }
  // A request through a VPC endpoint carries no aws:SourceIp; a service acting for the caller may pass
  // its own name (CloudTrail records e.g. "s3.amazonaws.com" as the source of such calls).
  const sourceIp = d.weighted([
    ['ip', 85],
    ['absent', 10],
    ['service-name', 5],
  ] as const);
  if (sourceIp === 'ip') context['aws:SourceIp'] = d.pick(SOURCE_IPS);
  else if (sourceIp === 'service-name') context['aws:SourceIp'] = 's3.amazonaws.com';
  const secure = d.weighted([
    ['true', 80],
    ['false', 15],
    ['absent', 5],
  ] as const);
  if (secure !== 'absent') context['aws:SecureTransport'] = secure;

  if (kms) {
    context['kms:CallerAccount'] = caller.accountId;
    if (viaS3) {
      context['kms:ViaService'] = `s3.${REGION}.amazonaws.com`;
      context['aws:CalledVia'] = d.chance(0.8)
        ? ['s3.amazonaws.com']
        : ['athena.amazonaws.com', 's3.amazonaws.com'];
      context['kms:EncryptionContextKeys'] = ['aws:s3:arn'];
      if (d.chance(0.7)) {
        const bucket = bucketOf(d.pick([resourceAccount, caller.accountId]));
        context['kms:EncryptionContext:aws:s3:arn'] = d.chance(0.5)
          ? `arn:aws:s3:::${bucket}`
          : `arn:aws:s3:::${bucket}/${d.pick(OBJECT_KEYS)}`;
      }
    }
  } else if (action === 's3:PutObject') {
    const sse = d.weighted([
      ['aws:kms', 50],
      ['AES256', 20],
      ['absent', 30],
    ] as const);
    if (sse !== 'absent') context['s3:x-amz-server-side-encryption'] = sse;
    if (sse === 'aws:kms' && d.chance(0.8)) {
      context['s3:x-amz-server-side-encryption-aws-kms-key-id'] = keyArn(
        d.pick([resourceAccount, caller.accountId]),
        d.weighted([[1, 3] as const, [2, 1] as const]),
      );
    }
  } else if (action === 's3:ListBucket') {
    if (d.chance(0.7)) context['s3:prefix'] = d.pick(['alice/', 'shared/', 'App/']);
    context['s3:max-keys'] = d.pick(['100', '1000']);
  } else if (d.chance(0.2)) {
    context['aws:CalledVia'] = ['athena.amazonaws.com'];
  }

  return { family, caller, action, resource, resourceAccount, kms, viaS3, context };
}

// ---------------------------------------------------------------------------------------------------------
// Policy elements

type PolicyKind = 'identity' | 'resource' | 'boundary' | 'session' | 'scp';

function actionPatterns(d: Draw, sk: Skeleton): string[] {
  const [service, name] = sk.action.split(':') as [string, string];
  const domain = sk.kms
    ? ['kms:GenerateDataKey*', 'kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:Describe*', 'kms:Get*']
    : ['s3:Get*', 's3:Put*', 's3:GetObject', 's3:PutObject', 's3:List*', 's3:*Object', 's3:DeleteObject'];
  const near = [
    sk.action,
    sk.action,
    `${service}:${name.toLowerCase()}`,
    `${service}:*`,
    '*',
    `${service}:${name.slice(0, 3)}*`,
    `${service}:?${name.slice(1)}`,
    // Action names are case-insensitive, service prefix included.
    `${service.toUpperCase()}:${name}`,
  ];
  const far = ['sqs:SendMessage', 'iam:PassRole', sk.kms ? 's3:GetObject' : 'kms:Decrypt'];
  const pool = d.weighted([
    [near, 5],
    [domain, 3],
    [far, 1],
  ] as const);
  const first = d.pick(pool);
  if (!d.chance(0.3)) return [first];
  return [first, d.pick([...domain, ...far])];
}

/** NotAction usually lists other services or actions, so that it applies to the request. */
function notActionPatterns(d: Draw, sk: Skeleton): string[] {
  const pool = sk.kms
    ? ['iam:*', 'sqs:*', 'kms:Create*', 'kms:Delete*', 'kms:Decrypt', 'kms:*', 's3:*']
    : ['iam:*', 'sqs:*', 's3:Delete*', 's3:PutBucketPolicy', 's3:GetObject', 's3:*', 'kms:*'];
  return d.some(pool, 2);
}

function resourcePatterns(d: Draw, sk: Skeleton, kind: PolicyKind): string[] {
  let near: string[];
  let far: string[];
  if (sk.kms) {
    const account = sk.resourceAccount;
    near = [
      sk.resource,
      `arn:aws:kms:*:${account}:key/*`,
      `arn:aws:kms:${REGION}:*:key/*`,
      `arn:aws:kms:${REGION}:${account}:key/${sk.resource.slice(-36, -28)}-*`,
      `arn:aws:kms:${REGION}:${account}:*`,
    ];
    far = [
      keyArn(otherAccount(account), 1),
      sk.resource.endsWith('1') ? keyArn(account, 2) : keyArn(account, 1),
      `arn:aws:kms:${REGION}:${account}:alias/*`,
      `arn:aws:kms:eu-west-1:${account}:key/*`,
    ];
  } else {
    const bucket = bucketOf(sk.resourceAccount);
    const isObject = sk.resource.includes('/');
    near = isObject
      ? [
          sk.resource,
          `arn:aws:s3:::${bucket}/*`,
          `arn:aws:s3:::bucket-*`,
          `arn:aws:s3:::bucket-?/*`,
          `arn:aws:s3:::${bucket}/\${aws:username}/*`,
          `arn:aws:s3:::${bucket}/\${aws:username, 'shared'}/*`,
          `arn:aws:s3:::${bucket}/shared/*`,
          `arn:aws:s3:::*/alice/*`,
        ]
      : [sk.resource, `arn:aws:s3:::bucket-*`, `arn:aws:s3:::bucket-?`, `arn:aws:s3:::${bucket}*`];
    far = isObject
      ? [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::other-bucket/*`, `arn:aws:s3:::${bucket}/*/report.txt`]
      : [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::other-bucket`];
  }
  // Key policies conventionally say "*": the key policy is attached to the one key.
  if (kind === 'resource' && sk.kms && d.chance(0.8)) return ['*'];
  const pool = d.weighted([
    [['*'], 3],
    [near, 6],
    [far, 2],
  ] as const);
  const first = d.pick(pool);
  if (!d.chance(0.3)) return [first];
  return [first, d.pick([...near, ...far])];
}

function notResourcePatterns(d: Draw, sk: Skeleton): string[] {
  const pool = sk.kms
    ? [keyArn(otherAccount(sk.resourceAccount), 1), sk.resource, `arn:aws:kms:${REGION}:*:alias/*`]
    : [
        `arn:aws:s3:::${bucketOf(sk.resourceAccount)}/\${aws:username}/*`,
        'arn:aws:s3:::other-bucket/*',
        sk.resource,
        `arn:aws:s3:::${bucketOf(sk.resourceAccount)}/shared/*`,
      ];
  return d.some(pool, 2);
}

function principalBlock(d: Draw, sk: Skeleton): PrincipalBlock {
  const { caller } = sk;
  const callerAccount = caller.accountId;
  const other = otherAccount(callerAccount);
  const pool: string[] = [
    callerAccount,
    rootArn(callerAccount),
    rootArn(sk.resourceAccount),
    caller.arn,
    caller.arn,
    `arn:aws:iam::${callerAccount}:role/Admin`,
    `arn:aws:iam::${other}:user/alice`,
    other,
  ];
  if (caller.sessionArn !== null) pool.push(caller.sessionArn, caller.sessionArn);
  const shape = d.weighted([
    ['star', 2],
    ['aws-star', 1],
    ['aws', 10],
    ['service', 1],
  ] as const);
  if (shape === 'star') return '*';
  if (shape === 'aws-star') return { AWS: '*' };
  if (shape === 'service') return { Service: d.pick(['s3.amazonaws.com', 'cloudtrail.amazonaws.com']) };
  const values = d.some(pool, 3);
  return { AWS: values.length === 1 ? values[0]! : values };
}

/** NotPrincipal as AWS recommends it for Deny: the account, the role and (sometimes) the session. */
function notPrincipalBlock(d: Draw, sk: Skeleton): PrincipalBlock {
  const { caller } = sk;
  const pool = [
    rootArn(caller.accountId),
    caller.arn,
    `arn:aws:iam::${sk.resourceAccount}:role/Admin`,
    rootArn(sk.resourceAccount),
  ];
  if (caller.sessionArn !== null) pool.push(caller.sessionArn);
  return { AWS: d.some(pool, 3) };
}

// ---------------------------------------------------------------------------------------------------------
// Conditions

type PolicyValue = string | number | boolean;

interface KeySpec {
  key: string;
  operators: readonly string[];
  values: readonly PolicyValue[];
  multivalued?: boolean;
}

const ARN_OPERATORS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike', 'StringEquals'];
const IP_OPERATORS = ['IpAddress', 'NotIpAddress'];
const DATE_OPERATORS = [
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateEquals',
  'DateNotEquals',
];
const NUMERIC_OPERATORS = [
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'NumericEquals',
  'NumericNotEquals',
];

function keySpecs(sk: Skeleton): KeySpec[] {
  const { caller } = sk;
  const account = caller.accountId;
  const other = otherAccount(account);
  const request = (key: string): string[] => {
    const value = sk.context[key];
    return typeof value === 'string' ? [value, value] : [];
  };
  const specs: KeySpec[] = [
    {
      key: 'aws:PrincipalArn',
      operators: ARN_OPERATORS,
      values: [
        ...request('aws:PrincipalArn'),
        `arn:aws:iam::${account}:role/*`,
        'arn:aws:iam::*:role/App',
        `arn:aws:iam::${account}:user/*`,
        `arn:aws:iam::${other}:*`,
        `arn:aws:iam::${account}:user/\${aws:username}`,
        'arn:aws:iam::*:root',
      ],
    },
    {
      key: 'aws:PrincipalAccount',
      operators: ['StringEquals', 'StringNotEquals', 'StringLike'],
      values: [account, account, other, '${aws:ResourceAccount}'],
    },
    {
      key: 'aws:ResourceAccount',
      operators: ['StringEquals', 'StringNotEquals'],
      values: [sk.resourceAccount, other, '${aws:PrincipalAccount}', '${aws:PrincipalAccount}'],
    },
    {
      key: 'aws:PrincipalType',
      operators: ['StringEquals', 'StringNotEquals'],
      values: ['AssumedRole', 'User', 'Account'],
    },
    {
      key: 'aws:SourceIp',
      operators: IP_OPERATORS,
      // CIDR notation, as the IAM User Guide asks for IP address condition values.
      values: [
        '10.0.0.0/8',
        '192.0.2.0/24',
        '203.0.113.7/32',
        '2001:db8::/32',
        '198.51.100.0/28',
        '0.0.0.0/0',
      ],
    },
    { key: 'aws:SecureTransport', operators: ['Bool'], values: ['true', 'false', true, false] },
    {
      key: 'aws:CurrentTime',
      operators: DATE_OPERATORS,
      values: [
        '2024-01-01T00:00:00Z',
        '2024-06-01T12:00:00Z',
        '2025-01-01T00:00:00Z',
        '2024-06-01',
        '2024-06-01T12:00:00.000Z',
        '1717243200',
      ],
    },
    {
      key: 'aws:CalledVia',
      operators: ['StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike'],
      values: ['s3.amazonaws.com', 'athena.amazonaws.com', 'cloudformation.amazonaws.com', '*.amazonaws.com'],
      multivalued: true,
    },
  ];
  if (caller.kind === 'user') {
    specs.push(
      {
        key: 'aws:username',
        operators: ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase'],
        values: ['alice', 'bob', 'Alice', 'a*'],
      },
      { key: 'aws:MultiFactorAuthPresent', operators: ['Bool'], values: ['true', 'false'] },
      {
        key: 'aws:MultiFactorAuthAge',
        operators: NUMERIC_OPERATORS,
        values: ['3600', '300', 86400, '1.5e3'],
      },
    );
  }
  if (sk.kms) {
    const bucket = bucketOf(sk.resourceAccount);
    specs.push(
      {
        key: 'kms:ViaService',
        operators: ['StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike'],
        values: [
          `s3.${REGION}.amazonaws.com`,
          `s3.${REGION}.amazonaws.com`,
          's3.*.amazonaws.com',
          `ec2.${REGION}.amazonaws.com`,
        ],
      },
      {
        key: 'kms:CallerAccount',
        operators: ['StringEquals', 'StringNotEquals'],
        values: [account, account, other],
      },
      {
        key: 'kms:EncryptionContext:aws:s3:arn',
        operators: ['StringEquals', 'StringLike', 'ArnLike', 'StringNotLike'],
        values: [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`, 'arn:aws:s3:::other-bucket/*'],
      },
      {
        key: 'kms:EncryptionContextKeys',
        operators: ['StringEquals', 'StringLike'],
        values: ['aws:s3:arn', 'aws:ebs:id', 'aws:*'],
        multivalued: true,
      },
    );
  } else {
    specs.push(
      {
        key: 's3:x-amz-server-side-encryption',
        operators: ['StringEquals', 'StringNotEquals'],
        values: ['aws:kms', 'aws:kms', 'AES256', 'aws:kms:dsse'],
      },
      {
        key: 's3:x-amz-server-side-encryption-aws-kms-key-id',
        operators: ['StringEquals', 'StringNotEquals', 'StringLike', 'ArnLike', 'ArnNotLike'],
        values: [
          keyArn(sk.resourceAccount, 1),
          keyArn(account, 1),
          `arn:aws:kms:${REGION}:${sk.resourceAccount}:key/*`,
        ],
      },
      {
        key: 's3:prefix',
        operators: ['StringEquals', 'StringLike', 'StringNotLike'],
        values: ['alice/', 'shared/*', '${aws:username}/*', ''],
      },
      { key: 's3:max-keys', operators: NUMERIC_OPERATORS, values: ['100', '500', 1000] },
    );
  }
  return specs;
}

function operatorName(d: Draw, spec: KeySpec): string {
  if (d.chance(0.06)) return 'Null';
  const base = d.pick(spec.operators);
  const ifExists = d.chance(0.2) ? 'IfExists' : '';
  let prefix = '';
  if (spec.multivalued) {
    prefix = d.weighted([
      ['ForAnyValue:', 45],
      ['ForAllValues:', 40],
      ['', 15],
    ] as const);
  } else if (d.chance(0.05)) {
    prefix = d.pick(['ForAnyValue:', 'ForAllValues:']);
  }
  return `${prefix}${base}${ifExists}`;
}

/** `twoEntries`: how likely the block has two entries (both must hold, so the block holds less often). */
function conditionBlock(d: Draw, sk: Skeleton, twoEntries = 0.3): ConditionBlock {
  const specs = keySpecs(sk);
  // Keys the request carries are picked more often: conditions on them decide more cases.
  const present = specs.filter((spec) => sk.context[spec.key] !== undefined);
  const block: ConditionBlock = {};
  const entries = d.chance(twoEntries) ? 2 : 1;
  for (let index = 0; index < entries; index++) {
    const spec = present.length > 0 && d.chance(0.8) ? d.pick(present) : d.pick(specs);
    const operator = operatorName(d, spec);
    const values: PolicyValue[] =
      operator === 'Null' ? [d.pick(['true', 'false', true, false])] : d.some(spec.values, 2);
    const byKey = block[operator] ?? {};
    // Condition key names are case-insensitive.
    const key = d.chance(0.05) ? spec.key.toLowerCase() : spec.key;
    byKey[key] = values.length === 1 ? values[0]! : values;
    block[operator] = byKey;
  }
  return block;
}

// ---------------------------------------------------------------------------------------------------------
// Statements and documents

function statement(d: Draw, sk: Skeleton, kind: PolicyKind, denyWeight: number): PolicyStatement {
  const effect = d.chance(denyWeight) ? 'Deny' : 'Allow';
  const result: PolicyStatement = { Effect: effect };
  if (d.chance(0.3)) result.Sid = `S${d.int(0, 99)}`;
  if (kind === 'resource') {
    if (d.chance(effect === 'Deny' ? 0.25 : 0.04)) result.NotPrincipal = notPrincipalBlock(d, sk);
    else result.Principal = principalBlock(d, sk);
  }
  if (d.chance(0.12)) result.NotAction = oneOrMany(notActionPatterns(d, sk));
  else result.Action = oneOrMany(actionPatterns(d, sk));
  if (d.chance(0.1)) result.NotResource = oneOrMany(notResourcePatterns(d, sk));
  else result.Resource = oneOrMany(resourcePatterns(d, sk, kind));
  // Deny statements are mostly guardrails with conditions; unconditional ones would deny too often.
  if (effect === 'Deny') {
    if (d.chance(0.85)) result.Condition = conditionBlock(d, sk, 0.5);
  } else if (d.chance(0.35)) {
    result.Condition = conditionBlock(d, sk);
  }
  return result;
}

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}

function documentOf(d: Draw, statements: PolicyStatement[]): PolicyDocument {
  // A few documents carry no Version (or the 2008 one): policy variables are then literal text.
  const version = d.weighted([
    ['2012-10-17', 94],
    ['none', 3],
    ['2008-10-17', 3],
  ] as const);
  const statementElement = statements.length === 1 && d.chance(0.3) ? statements[0]! : statements;
  return version === 'none'
    ? { Statement: statementElement }
    : { Version: version, Statement: statementElement };
}

function policy(
  d: Draw,
  sk: Skeleton,
  kind: PolicyKind,
  maxStatements: number,
  deny: number,
): PolicyDocument {
  const count = d.int(1, maxStatements);
  const statements: PolicyStatement[] = [];
  for (let index = 0; index < count; index++) statements.push(statement(d, sk, kind, deny));
  return documentOf(d, statements);
}

const FULL_ACCESS: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

/** The caller's side as a resource policy names it for a grant: its account, its role/user, its session. */
function granteeOf(d: Draw, sk: Skeleton): string {
  const { caller } = sk;
  const pool = [rootArn(caller.accountId), caller.accountId, caller.arn, caller.arn];
  if (caller.sessionArn !== null) pool.push(caller.sessionArn);
  return d.pick(pool);
}

/** The usual statement that shares a key or a bucket with a principal (often one of another account). */
function grantStatement(d: Draw, sk: Skeleton): PolicyStatement {
  const actions = sk.kms
    ? [
        'kms:*',
        ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        ['kms:Decrypt', 'kms:GenerateDataKey*'],
      ]
    : [
        's3:*',
        ['s3:GetObject', 's3:PutObject'],
        ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      ];
  const bucket = bucketOf(sk.resourceAccount);
  const statement: PolicyStatement = {
    Sid: 'Grant',
    Effect: 'Allow',
    Principal: { AWS: granteeOf(d, sk) },
    Action: d.pick(actions),
    Resource: sk.kms ? '*' : [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  };
  if (d.chance(0.25)) statement.Condition = conditionBlock(d, sk);
  return statement;
}

/** An identity-policy Allow for the kind of work the request does. */
function usageStatement(d: Draw, sk: Skeleton): PolicyStatement {
  const actions = sk.kms
    ? [['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey'], 'kms:*']
    : [['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:GetBucketPolicy'], 's3:*'];
  const resources = sk.kms
    ? [sk.resource, `arn:aws:kms:${REGION}:${sk.resourceAccount}:key/*`, '*']
    : [`arn:aws:s3:::${bucketOf(sk.resourceAccount)}*`, '*', sk.resource];
  const statement: PolicyStatement = {
    Effect: 'Allow',
    Action: d.pick(actions),
    Resource: d.pick(resources),
  };
  if (d.chance(0.25)) statement.Condition = conditionBlock(d, sk);
  return statement;
}

function bucketPolicy(d: Draw, sk: Skeleton): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (d.chance(sk.family.endsWith('cross-account') ? 0.75 : 0.4)) statements.push(grantStatement(d, sk));
  const count = d.int(statements.length === 0 ? 1 : 0, 3);
  for (let index = 0; index < count; index++) statements.push(statement(d, sk, 'resource', 0.2));
  return documentOf(d, statements);
}

function keyPolicy(d: Draw, sk: Skeleton): PolicyDocument {
  const statements: PolicyStatement[] = [];
  // The default key policy statement: lets the owning account's IAM policies grant access to the key.
  if (d.chance(0.55)) {
    statements.push({
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: rootArn(sk.resourceAccount) },
      Action: 'kms:*',
      Resource: '*',
    });
  }
  if (d.chance(sk.family.endsWith('cross-account') ? 0.6 : 0.25)) statements.push(grantStatement(d, sk));
  const count = d.int(statements.length === 0 ? 1 : 0, 3);
  for (let index = 0; index < count; index++) statements.push(statement(d, sk, 'resource', 0.2));
  return documentOf(d, statements);
}

function scpLevels(d: Draw, sk: Skeleton): PolicyDocument[][] {
  const levels: PolicyDocument[][] = [];
  const levelCount = d.int(1, 3);
  for (let level = 0; level < levelCount; level++) {
    const policies: PolicyDocument[] = [];
    // FullAWSAccess is attached everywhere by default; replacing it with an allow list is the other style.
    if (d.chance(0.75)) policies.push({ Version: '2012-10-17', Statement: FULL_ACCESS });
    else policies.push(policy(d, sk, 'scp', 2, 0));
    if (d.chance(0.25)) policies.push(policy(d, sk, 'scp', 2, 0.85));
    levels.push(policies);
  }
  return levels;
}

function drawCase(d: Draw, family: Family): GeneratedCase {
  const sk = drawSkeleton(d, family);
  const { caller } = sk;
  const identityPolicies: PolicyDocument[] = [];
  if (caller.kind !== 'root') {
    const count = d.weighted([
      [0, 1],
      [1, 6],
      [2, 3],
    ] as const);
    for (let index = 0; index < count; index++) identityPolicies.push(policy(d, sk, 'identity', 3, 0.12));
    // The caller's own working permission for the resource, as teams usually write it.
    if (identityPolicies.length > 0 && d.chance(0.4)) {
      const first = identityPolicies[0]!;
      const statements = Array.isArray(first.Statement) ? first.Statement : [first.Statement];
      identityPolicies[0] = { ...first, Statement: [...statements, usageStatement(d, sk)] };
    }
  }
  const bucketPolicyChance = sk.family.endsWith('cross-account') ? 0.9 : 0.6;
  const resourcePolicy = sk.kms
    ? keyPolicy(d, sk)
    : d.chance(bucketPolicyChance)
      ? bucketPolicy(d, sk)
      : null;
  const permissionsBoundary =
    caller.kind !== 'root' && d.chance(0.3) ? policy(d, sk, 'boundary', 2, 0.1) : null;
  const sessionPolicy = caller.kind === 'role' && d.chance(0.12) ? policy(d, sk, 'session', 2, 0.1) : null;
  const scps = d.chance(0.45) ? scpLevels(d, sk) : null;
  return {
    family,
    caller,
    action: sk.action,
    resource: sk.resource,
    resourceAccount: sk.resourceAccount,
    resourceIsKmsKey: sk.kms,
    context: sk.context,
    identityPolicies,
    resourcePolicy,
    permissionsBoundary,
    sessionPolicy,
    scpLevels: scps,
  };
}

/** Cases of one scenario family. */
export function caseArbitrary(family: Family): fc.Arbitrary<GeneratedCase> {
  return fc.gen().map((g) => drawCase(new Draw(g), family));
}
