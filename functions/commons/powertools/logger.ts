import { Logger } from '@aws-lambda-powertools/logger';
import { REMEDIATOR_NAME } from '../../../shared/remediatorName.ts';

/**
 * The correlation id is one dotted path (`detail.eventID`), so a small walk does instead of the JMESPath package
 * (`@aws-lambda-powertools/jmespath`, not a dependency of this project).
 */
export function valueAtPath(expression: string, data: unknown): unknown {
  let value: unknown = data;
  for (const key of expression.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * One logger for the process, set up once at cold start. Service name and level come from the environment
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL); each invocation adds the Lambda context and the correlation id.
 */
export const logger = new Logger({
  correlationIdSearchFn: valueAtPath,
  persistentKeys: { app: REMEDIATOR_NAME },
});
