import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRecord } from '../../shared/analysis/analyzeRecord.ts';
import { configSchema } from '../../shared/config/configSchema.ts';
import { normalizeRecord } from '../../shared/events/normalize.ts';
import { type RawRecord, recordsFromText } from '../../shared/input/records.ts';
import { diagnose } from '../../shared/remediation/diagnose.ts';
import { DEFAULT_REMEDIATION_OPTIONS } from '../../shared/remediation/options.ts';
import type { ReportLine } from '../../shared/report/types.ts';
import { snapshotSchema } from '../../shared/state/snapshotSchema.ts';
import { indexSnapshot } from '../../shared/state/stateIndex.ts';
import {
  attackState,
  CONSUMER_ACCOUNT,
  DATA_ACCOUNT,
  type DeniedCall,
  deniedEvent,
  OUTSIDE_BUCKET,
  PLAIN_BUCKET,
  patternMatches,
  ROOT,
  SPECIAL_ROLES,
  type SpecialRole,
} from './support/attacks.ts';

/**
 * Attacks made with ordinary denied calls: none may get an unsafe patch proposed or applied, through `analyze` or
 * through the remediation pipeline, with the default configuration or with auto-apply rules as wide as an operator
 * may write (`s3:Put*`, `kms:*`, or no constraint at all). The checks below are the rules, written
 * independently of the engine's guardrails.
 */

const snapshot = snapshotSchema.parse(attackState());
const indexed = indexSnapshot(snapshot);
if (!indexed.ok) throw new Error(indexed.errors.join('; '));
const state = indexed.index;

const CONFIGS = {
  default: configSchema.parse({}),
  'auto-apply s3:Put* kms:*': configSchema.parse({
    autoApply: [{ actions: ['s3:Put*', 's3:Get*', 'kms:*'] }],
  }),
  'auto-apply anything': configSchema.parse({ autoApply: [{}] }),
};

/** The actions no patch may ever grant (issue 12, item 3), whatever a rule says. */
const NEVER_GRANTED = [
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:TagResource',
  'kms:CreateAlias',
  'kms:ReplicateKey',
  'kms:DisableKeyRotation',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:DeleteBucket',
  's3:PutBucketAcl',
  's3:PutBucketPublicAccessBlock',
  's3:PutLifecycleConfiguration',
  's3:PutReplicationConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketObjectLockConfiguration',
];
const ORGANIZATION = new Set([DATA_ACCOUNT, CONSUMER_ACCOUNT, '999988887777']);
const PROTECTED_ROLE =
  /:role\/(aws-reserved|aws-service-role|access-remediator)\/|:role\/(.*\/)?(AWSReservedSSO_|access-remediator|StackSet-access-remediator)/i;

const toArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface Attack {
  family: string;
  name: string;
  call: DeniedCall;
  /** The resources the call asked for: an object grant may cover them and its own prefix, nothing that only looks like them. */
  lookAlikes?: string[];
}

/** What makes a proposed or applied line unsafe; empty when it is safe. */
function unsafety(line: ReportLine, attack: Attack): string[] {
  if (line.decision !== 'auto-apply' && line.decision !== 'needs-approval') return [];
  const problems: string[] = [];
  for (const patch of line.patches) {
    if (!ORGANIZATION.has(patch.account))
      problems.push(`changes a policy in ${patch.account}, outside the organization`);
    if (PROTECTED_ROLE.test(patch.target.arn)) problems.push(`patches ${patch.target.arn}`);
    for (const statement of patch.addStatements) {
      for (const action of toArray(statement.Action)) {
        if (/[*?]/.test(action)) problems.push(`grants wildcard action ${action}`);
        if (NEVER_GRANTED.some((never) => never.toLowerCase() === action.toLowerCase()))
          problems.push(`grants ${action}`);
      }
      for (const resource of toArray(statement.Resource)) {
        for (const lookAlike of attack.lookAlikes ?? [])
          if (patternMatches(resource, lookAlike))
            problems.push(`Resource ${resource} also covers ${lookAlike}`);
      }
      const principal = statement.Principal;
      for (const name of principal && principal !== '*' ? toArray(principal.AWS) : []) {
        if (PROTECTED_ROLE.test(name)) problems.push(`grants to ${name}`);
        const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(name)?.[1] ?? name;
        if (!ORGANIZATION.has(account)) problems.push(`grants to ${name}, outside the organization`);
      }
    }
  }
  return problems;
}

let counter = 0;
const eventId = () => `a77ac4e0-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

const objectCall = (
  eventName: string,
  bucket: string,
  key: string,
  extra: Record<string, unknown> = {},
): DeniedCall => ({
  eventName,
  requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com`, key, ...extra },
  resources: [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: DATA_ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ],
  eventId: eventId(),
});

const bucketCall = (eventName: string, bucket: string, extra: Record<string, unknown> = {}): DeniedCall => ({
  eventName,
  requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com`, ...extra },
  resources: [{ accountId: DATA_ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  eventId: eventId(),
});

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const kmsCall = (eventName: string, extra: Record<string, unknown> = {}): DeniedCall => ({
  eventSource: 'kms.amazonaws.com',
  eventName,
  requestParameters: { keyId: KEY_ARN, ...extra },
  resources: [{ accountId: DATA_ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }],
  errorMessage: `User: arn:aws:sts::111122223333:assumed-role/app-writer/i-0c8f2e4a6b1d3f579 is not authorized to perform: kms:${eventName} on resource: ${KEY_ARN} because no identity-based policy allows the kms:${eventName} action`,
  eventId: eventId(),
});

/**
 * Objects a grant for `key` must not reach: the key with its wildcard characters taken literally replaced (where that
 * leaves the key's own folder), and unrelated objects of the bucket.
 */
const lookAlikesOf = (bucket: string, key: string): string[] => {
  const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : null;
  const twin = key.replace(/[*?$]/g, 'x').replace(/[{}]/g, '');
  const twins = twin !== key && (folder === null || !twin.startsWith(folder)) ? [twin] : [];
  return [...twins, 'zz-unrelated/secret.bin', 'secret.bin'].map((k) => `arn:aws:s3:::${bucket}/${k}`);
};

const WILDCARD_KEYS = [
  '*',
  '?',
  '**',
  '*/x.csv',
  '*/*',
  'reports/*',
  'rep?rts/q3/summary.csv',
  'reports/2026-11/*',
  '${aws:username}/x.csv',
  '${*}',
  'tenants/*/data.bin',
  'a?b?c',
  'exports/$HOME/x',
];

const ATTACKS: Attack[] = [
  ...WILDCARD_KEYS.flatMap((key) => [
    ...['GetObject', 'PutObject', 'DeleteObject'].map((eventName) => ({
      family: 'wildcard-object-key',
      name: `${eventName} ${key}`,
      call: objectCall(eventName, PLAIN_BUCKET, key),
      lookAlikes: lookAlikesOf(PLAIN_BUCKET, key),
    })),
    {
      family: 'wildcard-object-key',
      name: `CopyObject from %-encoded ${key}`,
      call: objectCall('CopyObject', PLAIN_BUCKET, 'incoming/copy.bin', {
        'x-amz-copy-source': `${PLAIN_BUCKET}/${encodeURIComponent(key).replace(/\*/g, '%2A')}`,
      }),
      lookAlikes: lookAlikesOf(PLAIN_BUCKET, key),
    },
  ]),
  ...[
    'PutBucketPolicy',
    'DeleteBucketPolicy',
    'DeleteBucket',
    'PutBucketAcl',
    'PutPublicAccessBlock',
    'PutBucketLifecycleConfiguration',
    'PutBucketLifecycle',
    'PutBucketReplication',
    'PutBucketEncryption',
    'DeleteBucketEncryption',
    'PutBucketVersioning',
    'PutObjectLockConfiguration',
    'PutBucketOwnershipControls',
  ].map((eventName) => ({
    family: 'dangerous-action',
    name: eventName,
    call: bucketCall(eventName, PLAIN_BUCKET),
  })),
  ...[
    'PutKeyPolicy',
    'CreateGrant',
    'ScheduleKeyDeletion',
    'DisableKey',
    'TagResource',
    'CreateAlias',
    'ReplicateKey',
    'DisableKeyRotation',
    'RetireGrant',
    'UpdateAlias',
  ].map((eventName) => ({ family: 'dangerous-action', name: `kms:${eventName}`, call: kmsCall(eventName) })),
  ...(Object.keys(SPECIAL_ROLES) as SpecialRole[]).flatMap((role) => {
    const { path, name } = SPECIAL_ROLES[role];
    return [
      {
        family: 'protected-role',
        name: `${role} reads a same-account bucket`,
        call: {
          ...objectCall('GetObject', PLAIN_BUCKET, 'reports/q3/summary.pdf'),
          roleName: name,
          rolePath: path,
        },
      },
      {
        family: 'protected-role',
        name: `${role} (other account) reads across accounts`,
        call: {
          ...objectCall('GetObject', 'example-shared-exports', 'finance/2026-11/ledger.csv'),
          account: CONSUMER_ACCOUNT,
          roleName: name,
          rolePath: path,
          vpcEndpointId: 'vpce-0f3c9a1e5b7d24c68',
        },
      },
      {
        family: 'protected-role',
        name: `${role} decrypts with a same-account key`,
        call: { ...kmsCall('Decrypt'), roleName: name, rolePath: path },
      },
    ];
  }),
  ...['PutObject', 'GetObject'].map((eventName) => ({
    family: 'outside-organization',
    name: `member role ${eventName} into a bucket of an outside account`,
    call: objectCall(eventName, OUTSIDE_BUCKET, 'drop/2026-11/file.csv'),
  })),
  {
    family: 'outside-organization',
    name: 'consumer role writes into a bucket of an outside account',
    call: {
      ...objectCall('PutObject', OUTSIDE_BUCKET, 'drop/x.csv'),
      account: CONSUMER_ACCOUNT,
      roleName: 'consumer-etl',
    },
  },
];

const raw = (attack: Attack): RawRecord =>
  recordsFromText(JSON.stringify(deniedEvent(attack.call)), `${attack.family}.json`, {
    jsonLines: false,
  })[0]!;

function runAll(): { attack: Attack; path: string; line: ReportLine; problems: string[] }[] {
  const results = [];
  for (const attack of ATTACKS) {
    for (const [configName, config] of Object.entries(CONFIGS)) {
      const line = analyzeRecord(raw(attack), state, config);
      results.push({ attack, path: `analyze, ${configName}`, line, problems: unsafety(line, attack) });
      const record = raw(attack);
      const normalized = normalizeRecord(record.kind === 'record' ? record.record : {});
      if (!normalized.ok)
        throw new Error(`attack ${attack.name} is not a readable event: ${normalized.reason}`);
      const { line: remediated } = diagnose(normalized.event, snapshot, {
        ...DEFAULT_REMEDIATION_OPTIONS,
        decision: config,
      });
      results.push({
        attack,
        path: `remediate, ${configName}`,
        line: remediated,
        problems: unsafety(remediated, attack),
      });
    }
  }
  return results;
}

const results = runAll();

/** Per family: attempts and what they got, kept as a test artifact for docs/RELIABILITY.md. */
function writeSummary(): void {
  const summary: Record<string, { attempts: number; unsafe: number; outcomes: Record<string, number> }> = {};
  for (const result of results) {
    summary[result.attack.family] ??= { attempts: 0, unsafe: 0, outcomes: {} };
    const family = summary[result.attack.family]!;
    family.attempts += 1;
    if (result.problems.length > 0) family.unsafe += 1;
    const outcome = `${result.line.verdict}/${result.line.decision}`;
    family.outcomes[outcome] = (family.outcomes[outcome] ?? 0) + 1;
  }
  const dir = join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'adversarial-patch-safety.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(
    join(dir, 'adversarial-patch-safety-lines.jsonl'),
    results
      .map((r) => JSON.stringify({ attack: r.attack.name, path: r.path, problems: r.problems, line: r.line }))
      .join('\n'),
  );
}
writeSummary();

describe('patch safety against ordinary denied calls', () => {
  it('tries every family', () => {
    expect(new Set(ATTACKS.map((a) => a.family))).toEqual(
      new Set(['wildcard-object-key', 'dangerous-action', 'protected-role', 'outside-organization']),
    );
    // The attacks must reach the engine: an attack that only produces undetermined lines proves nothing.
    expect(results.filter((r) => r.line.verdict === 'missing-allow').length).toBeGreaterThan(ATTACKS.length);
  });

  it.each(results.map((r) => [`${r.attack.family}: ${r.attack.name} (${r.path})`, r] as const))(
    '%s',
    (_, result) => {
      expect({ decision: result.line.decision, problems: result.problems }).toEqual({
        decision: result.line.decision,
        problems: [],
      });
    },
  );

  it('analyze and remediate decide alike', () => {
    const mismatched = ATTACKS.flatMap((attack) =>
      Object.keys(CONFIGS).flatMap((config) => {
        const a = results.find((r) => r.attack === attack && r.path === `analyze, ${config}`)!.line;
        const b = results.find((r) => r.attack === attack && r.path === `remediate, ${config}`)!.line;
        return a.decision === b.decision
          ? []
          : [`${attack.name} (${config}): analyze ${a.decision}, remediate ${b.decision}`];
      }),
    );
    expect(mismatched).toEqual([]);
  });
});
