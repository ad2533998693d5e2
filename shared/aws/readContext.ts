import type { AwsClients } from './clients.ts';
import type { TtlCache } from './ttlCache.ts';

/**
 * What a read needs: the clients, and a cache of reads by key. Keys start with the account they read
 * ("<account>/iam/role/<name>", "org/…"), so that a write can invalidate one account.
 */
export interface ReadContext {
  clients: AwsClients;
  cached<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/**
 * Reads memoized for the life of the context (one invocation), in front of an optional cache shared across
 * invocations.
 */
export function memoizedReads(
  clients: AwsClients,
  shared: TtlCache | null = null,
): ReadContext & { forget(): void } {
  const memo = new Map<string, Promise<unknown>>();
  return {
    clients,
    cached<T>(key: string, load: () => Promise<T>): Promise<T> {
      let value = memo.get(key) as Promise<T> | undefined;
      if (!value) {
        value = shared ? shared.get(key, load) : load();
        memo.set(key, value);
        value.catch(() => memo.delete(key));
      }
      return value;
    },
    forget(): void {
      memo.clear();
    },
  };
}
