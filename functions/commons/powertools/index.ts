/** The Powertools singletons, each in its own module so that a function bundles only those it imports. */
export { logger } from './logger.ts';
export { metrics } from './metrics.ts';
export { tracer } from './tracer.ts';
