import type { PolicyDocument } from '../policy/types.ts';
import type { PatchTarget, PolicyStore } from '../remediation/ports.ts';
import type { SnapshotFile } from './snapshotFile.ts';
import { readTargetPolicy, removeTargetPolicy, writeTargetPolicy } from './snapshotPolicies.ts';

/** The policies a patch changes, kept inside the snapshot file: the file is the account. */
export class SnapshotPolicyStore implements PolicyStore {
  private readonly file: SnapshotFile;

  constructor(file: SnapshotFile) {
    this.file = file;
  }

  async read(target: PatchTarget): Promise<PolicyDocument | null> {
    return readTargetPolicy(await this.file.read(), target);
  }

  write(target: PatchTarget, document: PolicyDocument): Promise<void> {
    return this.file.update((snapshot) => writeTargetPolicy(snapshot, target, document));
  }

  remove(target: PatchTarget): Promise<void> {
    return this.file.update((snapshot) => removeTargetPolicy(snapshot, target));
  }
}
