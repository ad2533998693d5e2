import type { NormalizedEvent } from '../events/types.ts';
import type { StateReader } from '../remediation/ports.ts';
import { type Snapshot, snapshotSchema } from '../state/snapshotSchema.ts';
import { type SnapshotFile, SnapshotFileError } from './snapshotFile.ts';

/**
 * The whole snapshot for every event: the file already holds only the accounts the user chose. Validated once per
 * version of the file, so a run re-reads it only after a write.
 */
export class SnapshotStateReader implements StateReader {
  private readonly file: SnapshotFile;
  private cached: { version: string; snapshot: Snapshot } | null = null;

  constructor(file: SnapshotFile) {
    this.file = file;
  }

  async readFor(_event: NormalizedEvent): Promise<Snapshot> {
    const version = await this.file.version();
    if (this.cached?.version === version) return this.cached.snapshot;
    const parsed = snapshotSchema.safeParse(await this.file.read());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SnapshotFileError(
        `snapshot ${this.file.path} is not valid: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}`,
      );
    }
    this.cached = { version, snapshot: parsed.data };
    return parsed.data;
  }
}
