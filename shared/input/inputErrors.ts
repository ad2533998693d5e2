/** The two ways reading an event file fails: the path itself (a usage error) or the file's content (one record). */

/** A path that does not exist or cannot be read; the CLI reports it and exits with status 2. */
export class EventInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventInputError';
  }
}

/** A whole file whose content cannot be read; `problem` completes a sentence that starts with the file's name. */
export class UnreadableFileError extends Error {
  constructor(
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(problem, options);
    this.name = 'UnreadableFileError';
  }
}

export function inputError(fsPath: string, error: unknown): EventInputError {
  const code = errorCode(error);
  const problem =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read: permission denied'
        : code === 'ELOOP'
          ? 'cannot be read: too many levels of symbolic links'
          : `cannot be read: ${errorMessage(error)}`;
  return new EventInputError(`events path ${fsPath} ${problem}`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
