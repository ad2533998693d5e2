import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { readCfnTemplate } from '../../unit/infra/support/cfnYaml.ts';
import { MOTO_DEFAULT_ACCOUNT } from './motoServer.ts';

/**
 * The central stack's stateful parts in moto, as template.yaml defines them: the four tables with the template's
 * key schemas, indexes and TTL attributes (read from the template, so the tests follow it), the notifications
 * topic with an SQS queue subscribed in place of e-mail or chat, and the function's environment built from the
 * template's own variable names.
 */
const TEMPLATE = readCfnTemplate(join(__dirname, '..', '..', '..', 'template.yaml'));
const REGION = 'us-east-1';

/** Physical names the stack would generate; fixed here. */
export const TABLE_NAMES: Record<string, string> = {
  AuditTable: 'ar-test-audit',
  ProposalsTable: 'ar-test-proposals',
  StormTable: 'ar-test-storms',
  IdempotencyTable: 'ar-test-idempotency',
};
export const TOPIC_NAME = 'ar-test-notifications';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${MOTO_DEFAULT_ACCOUNT}:${TOPIC_NAME}`;
export const ORGANIZATION_ID = 'o-exampleorg1';
const QUEUE_NAME = 'ar-test-notifications-inbox';

interface TableProperties {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

/** Every DynamoDB table of the template, by logical id. */
export function templateTables(): Record<string, TableProperties> {
  return Object.fromEntries(
    Object.entries(TEMPLATE.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
      .map(([id, resource]) => [id, resource.Properties as unknown as TableProperties]),
  );
}

/** The remediate function's environment: Globals then the function's own, with the references resolved here. */
export function functionEnvironment(autoApplyConfig: unknown): Record<string, string> {
  const references: Record<string, string> = {
    ...TABLE_NAMES,
    NotificationsTopic: TOPIC_ARN,
    MemberRoleName: 'access-remediator-member',
    OrganizationId: ORGANIZATION_ID,
    AutoApplyConfig: JSON.stringify(autoApplyConfig),
  };
  const variables = {
    ...((TEMPLATE.Globals?.Function?.Environment as { Variables?: Record<string, unknown> })?.Variables ??
      {}),
    ...((
      TEMPLATE.Resources.RemediateFunction?.Properties?.Environment as { Variables?: Record<string, unknown> }
    )?.Variables ?? {}),
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') environment[name] = value;
    else {
      const ref = (value as { Ref?: string }).Ref;
      const resolved = ref ? references[ref] : undefined;
      if (resolved === undefined)
        throw new Error(`template.yaml: ${name} = ${JSON.stringify(value)} has no test value`);
      environment[name] = resolved;
    }
  }
  return environment;
}

export interface Stack {
  queueUrl: string;
  sqs: SQSClient;
}

/** Creates the tables, the topic and the subscribed queue (after a moto reset). */
export async function createStack(clients: AwsClients): Promise<Stack> {
  const dynamodb = await clients.dynamoDb();
  for (const [id, table] of Object.entries(templateTables())) {
    const name = TABLE_NAMES[id];
    if (!name) throw new Error(`template.yaml has a table ${id} that the tests do not know`);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        ...(table.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes } : {}),
      }),
    );
    if (table.TimeToLiveSpecification)
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: table.TimeToLiveSpecification,
        }),
      );
  }
  const sns = await clients.sns();
  const topic = await sns.send(new CreateTopicCommand({ Name: TOPIC_NAME }));
  if (topic.TopicArn !== TOPIC_ARN)
    throw new Error(`moto named the topic ${topic.TopicArn}, not ${TOPIC_ARN}`);
  const sqs = new SQSClient({ region: REGION });
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: QUEUE_NAME }));
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: TOPIC_ARN,
      Protocol: 'sqs',
      Endpoint: attributes.Attributes!.QueueArn!,
    }),
  );
  return { queueUrl: queue.QueueUrl!, sqs };
}

/** The SNS envelopes waiting in the queue (each removed once read). */
export async function receiveNotifications(stack: Stack): Promise<Record<string, unknown>[]> {
  const received: Record<string, unknown>[] = [];
  for (;;) {
    const answer = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return received;
    for (const message of messages) {
      received.push(JSON.parse(message.Body ?? '{}'));
      await stack.sqs.send(
        new DeleteMessageCommand({ QueueUrl: stack.queueUrl, ReceiptHandle: message.ReceiptHandle! }),
      );
    }
  }
}

/** A Lambda context as the runtime passes it (what Powertools reads of it). */
export function lambdaContext(): Context {
  const name = 'access-remediator-remediate';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${MOTO_DEFAULT_ACCOUNT}:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/20/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 120_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
