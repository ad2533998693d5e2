/** A failed AWS call, named by operation and target; the SDK's error is the `cause`. */
export class AwsAdapterError extends Error {
  override name = 'AwsAdapterError';
}

/** AssumeRole into an account's member role was refused: that account cannot be read or changed. */
export class AccountUnreachableError extends AwsAdapterError {
  override name = 'AccountUnreachableError';
  constructor(
    readonly account: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The SDK error's name (`NoSuchEntityException`, `AccessDenied`, ...), or '' for anything else. */
export function awsErrorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  return names.includes(awsErrorName(error));
}

/** Authorization refusals as AWS services spell them. */
export const ACCESS_DENIED = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'];

/** Runs one AWS call; any failure becomes an AwsAdapterError naming what was attempted. */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AwsAdapterError) throw error;
    throw new AwsAdapterError(
      `${what} failed: ${awsErrorName(error) || 'Error'}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Runs one AWS read; the named "not found" errors become null, anything else an AwsAdapterError. */
export async function readOrNull<T>(
  what: string,
  notFound: string[],
  call: () => Promise<T>,
): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (isAwsError(error, ...notFound)) return null;
    return attempt(what, () => Promise.reject(error));
  }
}
