import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ParseError } from '@aws-lambda-powertools/parser';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  metricNamesOf,
  type RemediationSummary,
  recordUnreadableEvent,
  remediateCloudTrailEvent,
  summaryOf,
} from '../../shared/lambda/remediateCloudTrailEvent.ts';
import type { RemediationResult } from '../../shared/remediation/remediateEvent.ts';
import { logger, metrics, tracer } from '../commons/powertools/index.ts';
import { type CloudTrailEvent, cloudTrailEventSchema } from './eventSchema.ts';
import { type RemediateRuntime, remediateRuntime } from './runtime.ts';

/**
 * The event could not be recorded in the audit trail (nothing was changed): thrown so that Lambda retries it and,
 * after the retries, sends it to the failed-events queue, instead of the idempotency layer storing it as handled.
 */
export class RemediationNotRecordedError extends Error {
  override name = 'RemediationNotRecordedError';
}

/** Counts, logs and annotates one result; a result that is not in the audit trail fails the invocation. */
async function report(
  runtime: RemediateRuntime,
  handle: () => Promise<RemediationResult>,
): Promise<RemediationSummary> {
  const callsBefore = runtime.adapters.counter.total();
  const summary = summaryOf(await handle());
  const awsCalls = runtime.adapters.counter.total() - callsBefore;
  for (const name of metricNamesOf(summary)) metrics.addMetric(name, MetricUnit.Count, 1);
  metrics.addMetric('AwsCalls', MetricUnit.Count, awsCalls);
  tracer.putAnnotation('verdict', summary.verdict);
  tracer.putAnnotation('decision', summary.decision);
  tracer.putAnnotation('outcome', summary.outcome);
  if (summary.handling === 'not-recorded') {
    logger.error('event not recorded; failing the invocation so that it is retried', {
      ...summary,
      awsCalls,
    });
    throw new RemediationNotRecordedError(`event ${summary.eventId ?? '(no id)'}: ${summary.outcomeReason}`);
  }
  logger.info(`event ${summary.handling}: ${summary.verdict} / ${summary.decision} / ${summary.outcome}`, {
    ...summary,
    awsCalls,
  });
  return summary;
}

type StandardIssue = { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] };

function describeParseError(error: ParseError): string {
  const issues = Array.isArray(error.cause) ? (error.cause as StandardIssue[]) : [];
  if (issues.length === 0) return error.message;
  const shown = issues.slice(0, 5).map((issue) => {
    const path = (issue.path ?? [])
      .map((p) => String(typeof p === 'object' && p !== null ? p.key : p))
      .join('.');
    return `${path || '(top level)'}: ${issue.message}`;
  });
  return shown.join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');
}

/**
 * An event that fails the parser's schema is recorded as an ignored invalid event and the invocation succeeds:
 * a malformed event never puts the function into a retry loop. Sits before the parser, so that its onError sees
 * the parser's ParseError (and only that one) with the raw event.
 */
function recordUnreadableEvents(runtime: RemediateRuntime): MiddlewareObj {
  return {
    onError: async (request) => {
      const error = request.error;
      if (!(error instanceof ParseError)) return;
      const reason = describeParseError(error);
      logger.warn('event does not match the CloudTrail-via-EventBridge schema', { reason });
      request.response = await report(runtime, () =>
        recordUnreadableEvent(request.event, reason, runtime.deps(), runtime.settings.options),
      );
    },
  };
}

/**
 * The remediate function, built on a runtime (tests build one with their own deps). Middleware order: tracer,
 * logger (correlation id = the CloudTrail event id), metrics (EMF), unreadable-event recording, parser,
 * idempotency (keyed on the CloudTrail event id), then the one call into shared/.
 */
export function createRemediateHandler(runtime: RemediateRuntime) {
  const lambdaHandler = (event: CloudTrailEvent, _context: Context): Promise<RemediationSummary> =>
    report(runtime, () => remediateCloudTrailEvent(event, runtime.deps(), runtime.settings.options));
  return middy(lambdaHandler)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { correlationIdPath: 'detail.eventID', resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(recordUnreadableEvents(runtime))
    .use(parser({ schema: cloudTrailEventSchema }))
    .use(
      makeHandlerIdempotent({
        persistenceStore: runtime.persistenceStore,
        config: runtime.idempotencyConfig,
      }),
    );
}

/** The process's runtime (clients, shared read cache, stores, AWS call counter), created once at cold start. */
export const runtime = remediateRuntime(process.env);
export const handler = createRemediateHandler(runtime);
