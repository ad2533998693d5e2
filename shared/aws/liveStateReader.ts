import { callerAccountOf, type NormalizedEvent } from '../events/types.ts';
import { parseDenialMessage } from '../messages/parseDenialMessage.ts';
import { permissionNeeds } from '../permissions/needs.ts';
import type { StateReader } from '../remediation/ports.ts';
import type {
  Snapshot,
  SnapshotAccount,
  SnapshotBucket,
  SnapshotKey,
  SnapshotVpcEndpoint,
} from '../state/snapshotSchema.ts';
import { indexSnapshot } from '../state/stateIndex.ts';
import type { AwsClients } from './clients.ts';
import { readVpcEndpoint } from './ec2Reads.ts';
import { AccountUnreachableError } from './errors.ts';
import { type BucketRef, eventReferences, keyLookups, type PrincipalRef } from './eventReferences.ts';
import { findPrincipalByUniqueId, type IamPart, readPrincipal } from './iamReads.ts';
import { readKey } from './kmsReads.ts';
import { readOrganization } from './orgReads.ts';
import { memoizedReads, type ReadContext } from './readContext.ts';
import { readBucket } from './s3Reads.ts';
import type { TtlCache } from './ttlCache.ts';

export interface LiveStateReaderOptions {
  /** A cache shared across invocations (create one per process); without it, reads are memoized per reader only. */
  cache?: TtlCache | null;
  /** Where Organizations is asked (management account or delegated administrator); default: the current account. */
  organizationsAccountId?: string;
  /** Hears about accounts that could not be read, so that the caller can log why a verdict is undetermined. */
  warn?: (message: string) => void;
}

type AccountEntry = SnapshotAccount & {
  iam: IamPart;
  kms: SnapshotKey[];
  s3: SnapshotBucket[];
  vpcEndpoints: SnapshotVpcEndpoint[];
};

/** The accounts of one snapshot as they fill up; an account is listed once a read in it succeeded. */
class AccountParts {
  readonly unreachable = new Set<string>();
  readonly accounts = new Map<string, AccountEntry>();

  touch(account: string) {
    let entry = this.accounts.get(account);
    if (!entry) {
      entry = {
        iam: { RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] },
        kms: [],
        s3: [],
        vpcEndpoints: [],
      };
      this.accounts.set(account, entry);
    }
    return entry;
  }

  addIam(account: string, part: IamPart): void {
    const iam = this.touch(account).iam;
    const merge = <T>(into: T[], items: T[], id: (item: T) => string) => {
      for (const item of items) if (!into.some((existing) => id(existing) === id(item))) into.push(item);
    };
    merge(iam.RoleDetailList, part.RoleDetailList, (r) => r.Arn);
    merge(iam.UserDetailList, part.UserDetailList, (u) => u.Arn);
    merge(iam.GroupDetailList, part.GroupDetailList, (g) => g.Arn);
    merge(iam.Policies, part.Policies, (p) => p.Arn);
  }

  addBucket(account: string, bucket: SnapshotBucket): void {
    const s3 = this.touch(account).s3;
    if (!s3.some((b) => b.name === bucket.name)) s3.push(bucket);
  }

  addKey(account: string, key: SnapshotKey): void {
    const kms = this.touch(account).kms;
    if (!kms.some((k) => k.keyMetadata.Arn === key.keyMetadata.Arn)) kms.push(key);
  }

  addEndpoint(account: string, endpoint: SnapshotVpcEndpoint): void {
    const endpoints = this.touch(account).vpcEndpoints;
    if (!endpoints.some((e) => e.VpcEndpointId === endpoint.VpcEndpointId)) endpoints.push(endpoint);
  }

  snapshot(): Snapshot {
    return { version: 1, accounts: Object.fromEntries(this.accounts) };
  }
}

/**
 * Reads, for one event, only the state its analysis needs, in the contract's snapshot shape: the caller with its
 * policies, groups and boundary; the buckets the event names; the keys the needed permissions name (request, event,
 * message, bucket default); the VPC endpoint; the organization path and its SCPs and RCPs for the accounts involved.
 *
 * Use one reader per invocation (its memo never expires); pass the same `cache` to every reader of a process so a
 * burst of related events shares reads for the cache's TTL. An account whose member role cannot be assumed is left
 * out of the snapshot, so the engine answers `undetermined` for what lives there rather than guessing.
 */
export class LiveStateReader implements StateReader {
  private readonly reads: ReadContext & { forget(): void };

  constructor(
    private readonly clients: AwsClients,
    private readonly options: LiveStateReaderOptions = {},
  ) {
    this.reads = memoizedReads(clients, options.cache ?? null);
  }

  /** Forgets this reader's memo (not the shared cache): the next read sees the accounts again. */
  forget(): void {
    this.reads.forget();
  }

  async readFor(event: NormalizedEvent): Promise<Snapshot> {
    const refs = eventReferences(event);
    const parts = new AccountParts();
    if (!refs.needsState) return this.placeholder(event, parts);

    const endpoint = refs.vpcEndpoint;
    await Promise.all([
      refs.principal ? this.readCaller(parts, refs.principal) : null,
      ...refs.buckets.map((bucket) => this.readBucketOf(parts, bucket)),
      endpoint
        ? this.inAccount(parts, endpoint.account, async () => {
            const found = await readVpcEndpoint(this.reads, endpoint.account, endpoint.region, endpoint.id);
            if (found) parts.addEndpoint(endpoint.account, found);
          })
        : null,
    ]);

    // The keys are the ones the engine will look up: its own needs, computed on the buckets just read.
    const indexed = indexSnapshot(parts.snapshot());
    if (indexed.ok) {
      const needs = permissionNeeds(
        event,
        parseDenialMessage(event.errorCode, event.errorMessage),
        indexed.index,
      );
      const lookups = needs.ok ? keyLookups(needs.needs) : [];
      await Promise.all(
        lookups.map((lookup) =>
          this.inAccount(parts, lookup.account, async () => {
            const key = await readKey(this.reads, lookup.account, lookup.region, lookup.keyId);
            if (key) parts.addKey(lookup.account, key);
          }),
        ),
      );
    }

    if (parts.accounts.size === 0) return this.placeholder(event, parts);
    const snapshot = parts.snapshot();
    const organization = await readOrganization(
      this.reads,
      { account: this.options.organizationsAccountId },
      [...parts.accounts.keys()],
    );
    if (organization) snapshot.organization = organization;
    return snapshot;
  }

  private async readCaller(parts: AccountParts, principal: PrincipalRef): Promise<void> {
    await this.inAccount(parts, principal.account, async () => {
      const named =
        'uniqueId' in principal
          ? await findPrincipalByUniqueId(this.reads, principal.account, principal.uniqueId)
          : principal;
      if (named)
        parts.addIam(
          principal.account,
          await readPrincipal(this.reads, principal.account, named.kind, named.name),
        );
    });
  }

  /** The bucket in the first candidate account that has it. */
  private async readBucketOf(parts: AccountParts, bucket: BucketRef): Promise<void> {
    for (const owner of bucket.owners) {
      const found = await this.inAccount(parts, owner, () => readBucket(this.reads, owner, bucket.name));
      if (found) {
        parts.addBucket(owner, found);
        return;
      }
    }
  }

  /** Runs reads in one account; a refused AssumeRole leaves the account out instead of failing the event. */
  private async inAccount<T>(
    parts: AccountParts,
    account: string,
    read: () => Promise<T>,
  ): Promise<T | null> {
    try {
      const result = await read();
      parts.touch(account);
      return result;
    } catch (error) {
      if (!(error instanceof AccountUnreachableError)) throw error;
      parts.unreachable.add(account);
      this.options.warn?.(`account ${account} left out of the state: ${error.message}`);
      return null;
    }
  }

  /**
   * A valid snapshot for an event whose analysis reads no state, or when nothing could be read: one empty account,
   * never one that was out of reach (an empty account says it has no keys, which would read as NotFound).
   */
  private async placeholder(event: NormalizedEvent, parts: AccountParts): Promise<Snapshot> {
    const candidates = [event.recipientAccountId, callerAccountOf(event.caller)];
    const account =
      candidates.find((a): a is string => !!a && /^\d{12}$/.test(a) && !parts.unreachable.has(a)) ??
      (await this.clients.currentAccountId());
    return { version: 1, accounts: { [account]: {} } };
  }
}
