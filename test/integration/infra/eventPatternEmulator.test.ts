import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { readEventInputs } from '../../../shared/input/readEventFiles.ts';
import { ROOT } from '../../support/runCli.ts';
import {
  coreWantsEvent,
  type EventPattern,
  RULE_STATE,
  readPattern,
} from '../../unit/infra/support/eventPattern.ts';
import { type MotoServer, startMoto } from './support/motoServer.ts';

/**
 * The rule's event pattern, matched by an EventBridge emulator (moto server) against every fixture event: it must
 * let through each authorization failure and nothing else. moto does not implement TestEventPattern (it answers
 * without a Result), so each event goes through a real rule: PutEvents on a bus whose rule, with the pattern and
 * state of the templates, targets an SQS queue; the event matched when it arrives there.
 */

jest.setTimeout(120_000);

interface PatternEvent {
  name: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** Expected verdict other than not-permission-error / invalid-event: the function must see it. */
  authorizationFailure: boolean;
}

const NOT_FAILURES = new Set(['not-permission-error', 'invalid-event']);

/** A bare CloudTrail record as EventBridge delivers it: source aws.<service>, detail-type of API calls. */
function envelopeOf(name: string, record: Record<string, unknown>, envelope: Record<string, unknown> | null) {
  if (envelope) {
    return {
      name,
      source: String(envelope.source),
      detailType: String(envelope['detail-type']),
      detail: (envelope.detail ?? {}) as Record<string, unknown>,
    };
  }
  const service = String(record.eventSource ?? '').replace(/\.amazonaws\.com$/, '');
  return { name, source: `aws.${service}`, detailType: 'AWS API Call via CloudTrail', detail: record };
}

function fixtureEvents(): PatternEvent[] {
  const root = join(ROOT, 'test/fixtures');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'event.json')))
    .map((entry) => {
      const event = JSON.parse(readFileSync(join(root, entry.name, 'event.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const { verdict } = JSON.parse(readFileSync(join(root, entry.name, 'expected.json'), 'utf8')) as {
        verdict: string;
      };
      const isEnvelope = 'detail-type' in event;
      return {
        ...envelopeOf(`fixtures/${entry.name}`, event, isEnvelope ? event : null),
        authorizationFailure: !NOT_FAILURES.has(verdict),
      };
    });
}

async function exampleEvents(): Promise<PatternEvent[]> {
  const expected = JSON.parse(readFileSync(join(ROOT, 'examples/expected.json'), 'utf8')) as Record<
    string,
    { verdict: string }
  >;
  const events: PatternEvent[] = [];
  for await (const raw of readEventInputs([join(ROOT, 'examples/events')])) {
    if (raw.kind !== 'record') continue;
    const eventId = String(raw.record.eventID ?? '');
    const verdict = expected[eventId]?.verdict;
    if (!verdict)
      throw new Error(`examples/expected.json has no verdict for record ${eventId} of ${raw.location.file}`);
    const name = `examples/${raw.location.file.split('/').pop()}#${eventId}`;
    events.push({
      ...envelopeOf(name, raw.record, raw.envelope),
      authorizationFailure: !NOT_FAILURES.has(verdict),
    });
  }
  return events;
}

/** Codes the core must not act on, next to every code the pattern names, each from S3 and from KMS. */
const OTHER_CODES = [
  'NoSuchKey',
  'NoSuchBucket',
  'ThrottlingException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidClientTokenId',
  'AllAccessDisabled',
  'KMS.KeyUnavailableException',
  'KeyUnavailableException',
  'InvalidCiphertextException',
  'IncorrectKeyException',
  'DependencyTimeoutException',
  'ValidationException',
];

function patternCodes(pattern: EventPattern): string[] {
  const branches = (pattern.detail as { $or: { errorCode: unknown[] }[] }).$or;
  return branches.flatMap((branch) =>
    branch.errorCode.filter((code): code is string => typeof code === 'string'),
  );
}

function sweepEvents(pattern: EventPattern): PatternEvent[] {
  const codes = [...new Set([...patternCodes(pattern), ...OTHER_CODES])];
  return ['s3', 'kms'].flatMap((service) => {
    const eventSource = `${service}.amazonaws.com`;
    const base = { source: `aws.${service}`, detailType: 'AWS API Call via CloudTrail' };
    return [
      {
        ...base,
        name: `${eventSource} without errorCode`,
        detail: { eventSource, eventName: 'Sweep' },
        authorizationFailure: false,
      },
      ...codes.map((errorCode) => ({
        ...base,
        name: `${errorCode} from ${eventSource}`,
        detail: { eventSource, eventName: 'Sweep', errorCode },
        authorizationFailure: coreWantsEvent(errorCode, eventSource),
      })),
    ];
  });
}

let moto: MotoServer;
let events: EventBridgeClient;
let sqs: SQSClient;
let ruleCount = 0;

/** A rule with `pattern` on the default bus, delivering to its own queue; `matches` puts one event through it. */
async function emulatedRule(pattern: EventPattern) {
  ruleCount += 1;
  const name = `access-remediator-${ruleCount}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), State: RULE_STATE }),
  );
  const described = await events.send(new DescribeRuleCommand({ Name: name }));
  if (described.State !== RULE_STATE) throw new Error(`the emulator kept state ${described.State}`);
  await events.send(
    new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }] }),
  );

  async function drain(): Promise<number> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle!,
          })),
        }),
      );
    }
    return Messages.length;
  }

  return {
    /** The names of the events the rule let through. */
    async matched(batch: PatternEvent[]): Promise<string[]> {
      const names: string[] = [];
      for (const event of batch) {
        const put = await events.send(
          new PutEventsCommand({
            Entries: [
              { Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) },
            ],
          }),
        );
        if (put.FailedEntryCount)
          throw new Error(`PutEvents refused ${event.name}: ${JSON.stringify(put.Entries)}`);
        // moto delivers to the target within PutEvents.
        if ((await drain()) > 0) names.push(event.name);
      }
      return names;
    },
  };
}

const pattern = readPattern();
let corpus: PatternEvent[] = [];

beforeAll(async () => {
  moto = await startMoto();
  const config = {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  events = new EventBridgeClient(config);
  sqs = new SQSClient(config);
  corpus = [...fixtureEvents(), ...(await exampleEvents())];
});

afterAll(async () => {
  events?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

const names = (list: PatternEvent[]) => list.map((event) => event.name);

describe('the rule pattern on the EventBridge emulator', () => {
  it('has a corpus with both kinds of events', () => {
    expect(corpus.filter((event) => event.authorizationFailure).length).toBeGreaterThanOrEqual(60);
    expect(corpus.filter((event) => !event.authorizationFailure).length).toBeGreaterThanOrEqual(3);
  });

  it('matches every authorization-failure fixture event and none of the others', async () => {
    const rule = await emulatedRule(pattern);
    const matched = new Set(await rule.matched(corpus));
    const failures = corpus.filter((event) => event.authorizationFailure);
    const others = corpus.filter((event) => !event.authorizationFailure);
    expect(names(failures).filter((name) => !matched.has(name))).toEqual([]);
    expect(names(others).filter((name) => matched.has(name))).toEqual([]);
  });

  it('agrees with the core on every error code from S3 and from KMS', async () => {
    const sweep = sweepEvents(pattern);
    const rule = await emulatedRule(pattern);
    const matched = await rule.matched(sweep);
    expect(matched.sort()).toEqual(names(sweep.filter((event) => event.authorizationFailure)).sort());
  });

  it.each([
    [
      'NoSuchKey added',
      {
        ...pattern,
        detail: {
          $or: [
            ...(pattern.detail as { $or: object[] }).$or,
            { eventSource: ['s3.amazonaws.com'], errorCode: ['NoSuchKey'] },
          ],
        },
      },
    ],
    [
      'the errorCode filter dropped',
      { ...pattern, detail: { eventSource: ['s3.amazonaws.com', 'kms.amazonaws.com'] } },
    ],
  ])('would let a non-failure event through with %s', async (_, wider) => {
    const rule = await emulatedRule(wider as EventPattern);
    const others = corpus.filter((event) => !event.authorizationFailure);
    expect(await rule.matched(others)).toContain('fixtures/verdict-not-permission-nosuchkey');
  });
});
