/** Counts AWS API calls per operation ("iam:GetRole"), so tests and logs can say how many calls an event cost. */
export class AwsCallCounter {
  private readonly counts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** Calls per operation, sorted by operation name. */
  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }
}

type Handler = (args: unknown) => Promise<unknown>;
interface MiddlewareStackLike {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: 'initialize'; name: string; override?: boolean },
  ): void;
}

/**
 * Adds the counting middleware to a client. It sits in the initialize step, before retries: one count per API
 * call the code makes (each page of a paginated list is one call), not per HTTP attempt.
 */
export function countCalls(
  client: { middlewareStack: unknown },
  service: string,
  counter: AwsCallCounter,
): void {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next, context) => (args) => {
      counter.record(`${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'accessRemediatorCallCounter', override: true },
  );
}
