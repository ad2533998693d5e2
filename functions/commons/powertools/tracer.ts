import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One tracer for the process (X-Ray, active tracing in template.yaml). The service name comes from
 * POWERTOOLS_SERVICE_NAME; outside Lambda it does nothing, so tests and local runs need no X-Ray daemon.
 */
export const tracer = new Tracer();
