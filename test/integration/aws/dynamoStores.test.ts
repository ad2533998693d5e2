import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { scanningAuditStore } from '../../../shared/aws/dynamoAuditScan.ts';
import { DynamoAuditStore } from '../../../shared/aws/dynamoAuditStore.ts';
import { DynamoProposalRecorder } from '../../../shared/aws/dynamoProposalRecorder.ts';
import { DynamoStormStore } from '../../../shared/aws/dynamoStormStore.ts';
import type { PolicyDocument, PolicyStatement } from '../../../shared/policy/types.ts';
import type { AuditRecord } from '../../../shared/remediation/ports.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';
import { createStack, TABLE_NAMES, templateTables } from './remediateStack.ts';

/** The DynamoDB adapters against moto, on tables created as template.yaml defines them. */
const moto = useMotoServer();

let document: DynamoDBDocumentClient;
let audit: DynamoAuditStore;

beforeEach(async () => {
  await moto.server.reset();
  const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
  await createStack(clients);
  document = DynamoDBDocumentClient.from(await clients.dynamoDb(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  audit = scanningAuditStore(document, TABLE_NAMES.AuditTable!);
});

const PATCH_AFTER: PolicyDocument = {
  // Key order that a DynamoDB map would not keep.
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AccessRemediatorKms',
      Effect: 'Allow',
      Resource: 'arn:aws:kms:us-east-1:111122223333:key/k',
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    },
  ],
};

function record(auditId: string, fields: Partial<AuditRecord> = {}): AuditRecord {
  return {
    auditId,
    eventId: auditId,
    recordedAt: '2026-11-20T09:15:42.000Z',
    account: '111122223333',
    principal: 'arn:aws:iam::111122223333:role/app-writer',
    request: { service: 's3', eventName: 'GetObject', resource: 'arn:aws:s3:::reports/a.csv' },
    verdict: 'missing-allow',
    decision: 'needs-approval',
    reason: 'r',
    patches: [
      {
        account: '111122223333',
        target: { type: 'iam-role', arn: 'arn:aws:iam::111122223333:role/app-writer' },
        policyName: 'access-remediator',
        addStatements: PATCH_AFTER.Statement as PolicyStatement[],
        before: null,
        after: PATCH_AFTER,
      },
    ],
    proof: null,
    actor: null,
    outcome: 'proposed',
    outcomeReason: null,
    stormKey: 'k',
    occurrences: 1,
    rollbackOf: null,
    rolledBackBy: null,
    updatedAt: '2026-11-20T09:15:42.000Z',
    ...fields,
  };
}

describe('the tables the stores use are the ones template.yaml defines', () => {
  it('audit and proposals keyed on auditId without TTL; storms on pk with TTL expiresAt', () => {
    const tables = templateTables();
    const hash = (id: string) => tables[id]?.KeySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
    expect(hash('AuditTable')).toBe('auditId');
    expect(tables.AuditTable?.TimeToLiveSpecification).toBeUndefined();
    expect(hash('ProposalsTable')).toBe('auditId');
    expect(tables.ProposalsTable?.TimeToLiveSpecification).toBeUndefined();
    expect(hash('StormTable')).toBe('pk');
    expect(tables.StormTable?.TimeToLiveSpecification?.AttributeName).toBe('expiresAt');
    // Powertools idempotency's defaults (DynamoDBPersistenceLayer keyAttr, expiryAttr).
    expect(hash('IdempotencyTable')).toBe('id');
    expect(tables.IdempotencyTable?.TimeToLiveSpecification?.AttributeName).toBe('expiration');
  });
});

describe('DynamoAuditStore', () => {
  it('creates once, reads back exactly (documents keep their key order), and guards updates by outcome', async () => {
    const r = record('a-1');
    expect(await audit.create(r)).toBe('created');
    expect(await audit.create({ ...r, reason: 'second' })).toBe('exists');
    const read = await audit.get('a-1');
    expect(read).toEqual(r);
    expect(JSON.stringify(read?.patches[0]?.after)).toBe(JSON.stringify(PATCH_AFTER));

    expect(await audit.update('a-1', { outcome: 'applied', outcomeReason: 'ok' }, 'applying')).toBe(false);
    expect(await audit.update('a-1', { outcome: 'rolled-back', rolledBackBy: 'b-1' }, 'proposed')).toBe(true);
    expect(await audit.get('a-1')).toMatchObject({
      outcome: 'rolled-back',
      rolledBackBy: 'b-1',
      reason: 'r',
    });
    expect(await audit.update('missing', { outcome: 'applied' }, 'proposed')).toBe(false);
    expect(await audit.get('missing')).toBeNull();
  });

  it('counts occurrences atomically and never creates a record by counting', async () => {
    await audit.create(record('a-1'));
    await Promise.all([1, 2, 3].map(() => audit.incrementOccurrences('a-1', new Date())));
    expect((await audit.get('a-1'))?.occurrences).toBe(4);
    expect(await audit.incrementOccurrences('nothing-here', new Date())).toBe(false);
    expect(await audit.get('nothing-here')).toBeNull();
  });

  it('lists with the CLI filters (scan), oldest first, the most recent ones under a limit', async () => {
    await audit.create(record('a-1', { recordedAt: '2026-11-20T08:00:00.000Z' }));
    await audit.create(record('a-2', { recordedAt: '2026-11-20T09:00:00.000Z', decision: 'auto-apply' }));
    await audit.create(
      record('a-3', {
        recordedAt: '2026-11-20T10:00:00.000Z',
        account: '444455556666',
        principal: 'arn:aws:iam::444455556666:user/bob',
      }),
    );
    const ids = async (filter: Parameters<DynamoAuditStore['list']>[0]) =>
      (await audit.list(filter)).map((r) => r.auditId);
    expect(await ids({})).toEqual(['a-1', 'a-2', 'a-3']);
    expect(await ids({ account: '111122223333' })).toEqual(['a-1', 'a-2']);
    expect(await ids({ decision: 'auto-apply' })).toEqual(['a-2']);
    expect(await ids({ principal: 'arn:aws:iam::*:user/*' })).toEqual(['a-3']);
    expect(await ids({ principal: 'arn:aws:iam::111122223333:role/app-writer' })).toEqual(['a-1', 'a-2']);
    expect(await ids({ since: '2026-11-20T09:00:00Z', until: '2026-11-20T09:30:00Z' })).toEqual(['a-2']);
    expect(await ids({ limit: 2 })).toEqual(['a-2', 'a-3']);
  });

  it('without a lister (the function), listing is refused rather than scanned', async () => {
    await expect(new DynamoAuditStore(document, TABLE_NAMES.AuditTable!).list({})).rejects.toThrow(
      /needs a lister/,
    );
  });
});

describe('DynamoStormStore', () => {
  const minutes = (n: number) => new Date(Date.parse('2026-11-20T10:00:00.000Z') + n * 60_000);

  it('claims a storm once per window on either side of its time; outside it, a new storm begins', async () => {
    const storms = new DynamoStormStore(document, TABLE_NAMES.StormTable!, audit);
    expect(await storms.claim('key', 'first', 900, minutes(0))).toEqual({ first: true });
    expect(await storms.claim('key', 'second', 900, minutes(14))).toEqual({ first: false, auditId: 'first' });
    // Out of order: an earlier event of the same storm.
    expect(await storms.claim('key', 'third', 900, minutes(-14))).toEqual({ first: false, auditId: 'first' });
    expect(await storms.claim('other', 'fourth', 900, minutes(1))).toEqual({ first: true });
    expect(await storms.claim('key', 'fifth', 900, minutes(16))).toEqual({ first: true });
    // The claim now held is the last one; its TTL is the end of its window, in epoch seconds.
    const pk = `storm#${createHash('sha256').update('key').digest('hex')}`;
    const item = await document.send(new GetCommand({ TableName: TABLE_NAMES.StormTable, Key: { pk } }));
    expect(item.Item).toMatchObject({
      stormKey: 'key',
      auditId: 'fifth',
      expiresAt: minutes(16 + 15).getTime() / 1000,
    });
  });

  it('counts applies per account over exactly the last hour, across clock hours', async () => {
    const storms = new DynamoStormStore(document, TABLE_NAMES.StormTable!, audit);
    const at = (iso: string) => new Date(iso);
    await storms.recordApply('111122223333', at('2026-11-20T09:20:00.000Z'));
    await storms.recordApply('111122223333', at('2026-11-20T09:55:00.000Z'));
    await storms.recordApply('111122223333', at('2026-11-20T10:05:00.000Z'));
    await storms.recordApply('444455556666', at('2026-11-20T10:06:00.000Z'));
    expect(await storms.appliesInLastHour('111122223333', at('2026-11-20T10:10:00.000Z'))).toBe(3);
    expect(await storms.appliesInLastHour('111122223333', at('2026-11-20T10:30:00.000Z'))).toBe(2);
    expect(await storms.appliesInLastHour('111122223333', at('2026-11-20T11:00:00.000Z'))).toBe(1);
    expect(await storms.appliesInLastHour('111122223333', at('2026-11-20T11:06:00.000Z'))).toBe(0);
    expect(await storms.appliesInLastHour('444455556666', at('2026-11-20T10:10:00.000Z'))).toBe(1);
    const item = await document.send(
      new GetCommand({
        TableName: TABLE_NAMES.StormTable,
        Key: { pk: 'applies#111122223333#2026-11-20T09' },
      }),
    );
    expect(item.Item).toMatchObject({
      applies: 2,
      // An hour after the clock hour ends, in epoch seconds.
      expiresAt: Date.parse('2026-11-20T11:00:00.000Z') / 1000,
    });
  });

  it('counts a storm occurrence on the first audit record', async () => {
    const storms = new DynamoStormStore(document, TABLE_NAMES.StormTable!, audit);
    await audit.create(record('a-1'));
    await storms.countOccurrence('a-1');
    expect((await audit.get('a-1'))?.occurrences).toBe(2);
  });
});

describe('DynamoProposalRecorder', () => {
  it('records a proposal once, and neither escalations nor applies', async () => {
    const recorder = new DynamoProposalRecorder(document, TABLE_NAMES.ProposalsTable!);
    await recorder.notify(record('p-1'));
    await recorder.notify(record('p-1', { reason: 'redelivered' }));
    await recorder.notify(record('e-1', { outcome: 'escalated' }));
    const get = async (auditId: string) =>
      (await document.send(new GetCommand({ TableName: TABLE_NAMES.ProposalsTable, Key: { auditId } }))).Item;
    expect(await get('p-1')).toMatchObject({
      auditId: 'p-1',
      status: 'pending',
      verdict: 'missing-allow',
      targets: ['arn:aws:iam::111122223333:role/app-writer'],
    });
    expect(await get('e-1')).toBeUndefined();
  });
});
