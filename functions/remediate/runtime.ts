import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type ClientCapture,
  createLambdaAdapters,
  type LambdaAdapters,
  lambdaRemediationDeps,
} from '../../shared/aws/lambdaDeps.ts';
import { type RemediateSettings, readRemediateEnvironment } from '../../shared/lambda/environment.ts';
import type { RemediationDeps } from '../../shared/remediation/ports.ts';
import { logger, metrics, tracer } from '../commons/powertools/index.ts';

/** The function's environment is unusable: thrown at cold start, naming every variable that is wrong. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * EventBridge retries a failed delivery for up to 24 hours (template.yaml RetryPolicy) and Lambda's own async
 * retries for up to 6: a redelivery must still find its idempotency record. Past this, the audit record's
 * conditional create still stops a second handling.
 */
const IDEMPOTENCY_EXPIRY_SECONDS = 25 * 3600;

/** Everything the handler uses that outlives one invocation (created once, at cold start). */
export interface RemediateRuntime {
  settings: RemediateSettings;
  adapters: LambdaAdapters;
  persistenceStore: DynamoDBPersistenceLayer;
  idempotencyConfig: IdempotencyConfig;
  /** The remediation deps of one invocation (a fresh state reader over the shared clients, cache and stores). */
  deps(): RemediationDeps;
}

const captureWithTracer: ClientCapture = (client) => tracer.captureAWSv3Client(client);

export function remediateRuntime(env: Record<string, string | undefined>): RemediateRuntime {
  const read = readRemediateEnvironment(env);
  if (!read.ok)
    throw new ConfigurationError(
      `access-remediator remediate function cannot start: ${read.problems.join('; ')} (see template.yaml)`,
    );
  const { settings } = read;
  const adapters = createLambdaAdapters(
    {
      auditTable: settings.auditTable,
      proposalsTable: settings.proposalsTable,
      stormTable: settings.stormTable,
      topicArn: settings.topicArn,
      memberRoleName: settings.memberRoleName,
    },
    captureWithTracer,
  );
  const warn = (message: string) => logger.warn(message);
  return {
    settings,
    adapters,
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: settings.idempotencyTable,
      awsSdkV3Client: adapters.dynamoDb,
    }),
    idempotencyConfig: new IdempotencyConfig({
      eventKeyJmesPath: 'detail.eventID',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
      // A redelivery answered from the idempotency record never reaches the handler: counted here.
      responseHook: (response) => {
        metrics.addMetric('Duplicate', MetricUnit.Count, 1);
        return response;
      },
    }),
    deps: () => lambdaRemediationDeps(adapters, { warn }),
  };
}
