import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { DynamoAuditStore } from '../../../shared/aws/dynamoAuditStore.ts';
import { DynamoStormStore } from '../../../shared/aws/dynamoStormStore.ts';
import { remediateEvent } from '../../../shared/remediation/remediateEvent.ts';
import {
  eventOf,
  fixtureRecord,
  fixtureState,
  PROPOSE_ONLY,
  world,
} from '../../unit/remediation/support/memoryAdapters.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';
import { createStack, TABLE_NAMES } from './remediateStack.ts';

/** The storm fast path on the DynamoDB stores, against moto: a later occurrence is three small calls. */
const moto = useMotoServer();
const PUT = 'kc000-putobject-missing-generatedatakey';

let document: DynamoDBDocumentClient;
let sent: string[];

beforeEach(async () => {
  await moto.server.reset();
  const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
  await createStack(clients);
  document = DynamoDBDocumentClient.from(await clients.dynamoDb(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  sent = [];
  const send = document.send.bind(document);
  // Records the commands the stores send, by name.
  document.send = ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
    sent.push(command.constructor.name);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof document.send;
});

const minutes = (n: number) => new Date(Date.parse('2026-11-20T10:00:00.000Z') + n * 60_000);

describe('DynamoStormStore.heldClaim', () => {
  it('reads the claim that holds within the window on either side, without taking it', async () => {
    const storms = new DynamoStormStore(
      document,
      TABLE_NAMES.StormTable!,
      new DynamoAuditStore(document, 'x'),
    );
    expect(await storms.heldClaim('key', 900, minutes(0))).toBeNull();
    await storms.claim('key', 'first', 900, minutes(0));
    expect(await storms.heldClaim('key', 900, minutes(14))).toEqual({ auditId: 'first', at: minutes(0) });
    expect(await storms.heldClaim('key', 900, minutes(-14))).toEqual({ auditId: 'first', at: minutes(0) });
    expect(await storms.heldClaim('key', 900, minutes(15))).toBeNull();
    expect(await storms.claim('key', 'second', 900, minutes(5))).toEqual({ first: false, auditId: 'first' });
  });
});

describe('the storm fast path on DynamoDB', () => {
  it('counts a later occurrence with one UpdateItem ADD and reads neither the state nor the record', async () => {
    const w = world(fixtureState(PUT));
    const audit = new DynamoAuditStore(document, TABLE_NAMES.AuditTable!);
    const storms = new DynamoStormStore(document, TABLE_NAMES.StormTable!, audit, () => w.clock.now());
    const deps = { ...w.deps, audit, storms };
    const record = fixtureRecord(PUT);
    const at = (id: string) => eventOf(record, { eventID: id, eventTime: '2026-11-20T10:01:00Z' });
    for (let i = 0; i < 3; i++) await remediateEvent(at(`e${i}`), deps, PROPOSE_ONLY);
    expect(w.state.reads).toBe(2);

    sent = [];
    const later = await remediateEvent(at('e3'), deps, PROPOSE_ONLY);
    expect(later).toMatchObject({ handling: 'storm-occurrence', record: { auditId: 'e0', occurrences: 4 } });
    // Is it a redelivery? Does the event's shape hold a claim? Count on the record (ALL_NEW answers with it).
    expect(sent).toEqual(['GetCommand', 'GetCommand', 'UpdateCommand']);
    expect(w.state.reads).toBe(2);
    const stored = await audit.get('e0');
    expect(stored).toEqual(later.record);
    expect(stored?.patches).toEqual(w.notifier.notified[0]?.patches);
  });
});
