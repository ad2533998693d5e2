import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';

/**
 * One metrics buffer for the process, flushed as CloudWatch embedded metric format at the end of each invocation.
 * Namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME; its own warnings go
 * through the structured logger (with the invocation's correlation id).
 */
export const metrics = new Metrics({ logger });
