/** Color only where a person reads it, and as NO_COLOR / FORCE_COLOR say. */
export function wantsColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined) return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return stream.isTTY === true;
}

/** Writes and waits when the pipe is full, so a large report never piles up in memory. */
export async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

export function outputFormat(format: 'json' | 'text' | null): 'json' | 'text' {
  return format ?? (process.stdout.isTTY ? 'text' : 'json');
}
