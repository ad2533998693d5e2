import { randomUUID } from 'node:crypto';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NormalizedEvent } from '../events/types.ts';
import { systemClock } from '../local/systemClock.ts';
import type { Clock, RemediationDeps, StateReader } from '../remediation/ports.ts';
import type { Snapshot } from '../state/snapshotSchema.ts';
import { AwsCallCounter, countCalls } from './callCounter.ts';
import { AwsClients, type AwsClientsOptions, USER_AGENT } from './clients.ts';
import { DynamoAuditStore } from './dynamoAuditStore.ts';
import { DynamoProposalRecorder, NotifierChain } from './dynamoProposalRecorder.ts';
import { DynamoStormStore } from './dynamoStormStore.ts';
import { LiveStateReader } from './liveStateReader.ts';
import { AwsPolicyStore } from './policyStore.ts';
import { SnsNotifier } from './snsNotifier.ts';
import { TtlCache } from './ttlCache.ts';

/** Instruments an SDK client in place (the Powertools tracer's captureAWSv3Client); identity when not tracing. */
export type ClientCapture = <C extends object>(client: C) => C;

/**
 * AwsClients whose every client, built lazily per account and region, is handed once to `capture` (so that the
 * tracer records the calls the state reads and the policy writes make).
 */
export class CapturingAwsClients extends AwsClients {
  private readonly captured = new WeakSet<object>();
  private readonly capture: ClientCapture;

  constructor(options: AwsClientsOptions, capture: ClientCapture) {
    super(options);
    this.capture = capture;
  }

  private once<C extends object>(client: C): C {
    if (!this.captured.has(client)) {
      this.captured.add(client);
      this.capture(client);
    }
    return client;
  }

  override sts(): STSClient {
    return this.once(super.sts());
  }
  override async iam(account: string): Promise<IAMClient> {
    return this.once(await super.iam(account));
  }
  override async kms(account: string, region?: string): Promise<KMSClient> {
    return this.once(await super.kms(account, region));
  }
  override async s3(account: string, region?: string): Promise<S3Client> {
    return this.once(await super.s3(account, region));
  }
  override async ec2(account: string, region?: string): Promise<EC2Client> {
    return this.once(await super.ec2(account, region));
  }
  override async organizations(account?: string): Promise<OrganizationsClient> {
    return this.once(await super.organizations(account));
  }
  override async cloudTrail(account?: string, region?: string): Promise<CloudTrailClient> {
    return this.once(await super.cloudTrail(account, region));
  }
  override async sns(account?: string, region?: string): Promise<SNSClient> {
    return this.once(await super.sns(account, region));
  }
  override async dynamoDb(account?: string, region?: string): Promise<DynamoDBClient> {
    return this.once(await super.dynamoDb(account, region));
  }
}

/**
 * A cache that shares only the keys `shared` accepts with the process-wide cache and reads every other key afresh
 * (and keeps nothing of it). See InvocationStateReader.
 */
class PartlySharedCache extends TtlCache {
  constructor(
    private readonly cache: TtlCache,
    private readonly shared: (key: string) => boolean,
  ) {
    super(0);
  }

  override get<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.shared(key) ? this.cache.get(key, load) : load();
  }
}

export interface InvocationStateReaderOptions {
  organizationsAccountId?: string;
  warn?: (message: string) => void;
}

/**
 * The state reader of one invocation. Its first read (the analysis) may be served by the process-wide TTL cache, so
 * that a burst of related events shares reads. Every later read in the same invocation (re-analysis after a drift,
 * verification after a write) is meant to see the present: it reads the accounts afresh, and keeps nothing of them
 * in the shared cache (IAM is eventually consistent; a stale answer must not be served again for the cache's TTL).
 * Organization reads (`org/…`), which no patch changes, stay shared.
 */
export class InvocationStateReader implements StateReader {
  private reads = 0;

  constructor(
    private readonly clients: AwsClients,
    private readonly cache: TtlCache,
    private readonly options: InvocationStateReaderOptions = {},
  ) {}

  readFor(event: NormalizedEvent): Promise<Snapshot> {
    const cache =
      this.reads === 0 ? this.cache : new PartlySharedCache(this.cache, (key) => key.startsWith('org/'));
    this.reads += 1;
    return new LiveStateReader(this.clients, { ...this.options, cache }).readFor(event);
  }
}

export interface LambdaAdapterSettings {
  auditTable: string;
  proposalsTable: string;
  stormTable: string;
  topicArn: string;
  memberRoleName: string;
  /** Default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1 (as AwsClients). */
  region?: string;
  /** The function's own account, when known; else STS GetCallerIdentity tells once per process. */
  currentAccountId?: string;
  /** Where Organizations is asked; default: the function's own account. */
  organizationsAccountId?: string;
  /** Life of the shared read cache; default 60 s. */
  cacheTtlMs?: number;
}

/** What lives for the whole process (a warm Lambda): clients, the shared read cache, the stores, the counter. */
export interface LambdaAdapters {
  counter: AwsCallCounter;
  clients: AwsClients;
  cache: TtlCache;
  /** The function's own DynamoDB client (audit, storms, proposals; also Powertools idempotency's persistence). */
  dynamoDb: DynamoDBClient;
  document: DynamoDBDocumentClient;
  sns: SNSClient;
  audit: DynamoAuditStore;
  storms: DynamoStormStore;
  notifier: NotifierChain;
  clock: Clock;
  settings: LambdaAdapterSettings;
}

/**
 * The function's own-account clients, configured as AwsClients configures its clients (user agent that marks the
 * remediator's calls, retries, timeouts, call counting), but built at once: the idempotency layer needs its client
 * when the module loads, and the function's own account needs no AssumeRole (nor an account id to know it).
 */
function ownAccountConfig(region: string) {
  return {
    region,
    customUserAgent: USER_AGENT,
    maxAttempts: 5,
    retryMode: 'standard',
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 },
  };
}

export function createLambdaAdapters(
  settings: LambdaAdapterSettings,
  capture: ClientCapture = (client) => client,
  clock: Clock = systemClock,
): LambdaAdapters {
  const counter = new AwsCallCounter();
  const options: AwsClientsOptions = {
    memberRoleName: settings.memberRoleName,
    roleSessionName: USER_AGENT,
    counter,
    // The function's own role holds no account reads: the member role does, in the central account too.
    memberRoleInOwnAccount: true,
  };
  if (settings.region) options.region = settings.region;
  if (settings.currentAccountId) options.currentAccountId = settings.currentAccountId;
  const clients = new CapturingAwsClients(options, capture);
  const config = ownAccountConfig(clients.region);
  const dynamoDb = capture(new DynamoDBClient(config));
  countCalls(dynamoDb, 'dynamodb', counter);
  const document = DynamoDBDocumentClient.from(dynamoDb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const sns = capture(new SNSClient(config));
  countCalls(sns, 'sns', counter);
  const now = () => clock.now();
  const audit = new DynamoAuditStore(document, settings.auditTable);
  return {
    counter,
    clients,
    cache: new TtlCache(settings.cacheTtlMs ?? 60_000),
    dynamoDb,
    document,
    sns,
    audit,
    storms: new DynamoStormStore(document, settings.stormTable, audit, now),
    notifier: new NotifierChain([
      new DynamoProposalRecorder(document, settings.proposalsTable, now),
      new SnsNotifier(sns, settings.topicArn),
    ]),
    clock,
    settings,
  };
}

/** The deps of one invocation: a fresh state reader (its memo is per invocation) over the process's adapters. */
export function lambdaRemediationDeps(
  adapters: LambdaAdapters,
  options: { warn?: (message: string) => void } = {},
): RemediationDeps {
  const readerOptions: InvocationStateReaderOptions = {};
  if (options.warn) readerOptions.warn = options.warn;
  if (adapters.settings.organizationsAccountId)
    readerOptions.organizationsAccountId = adapters.settings.organizationsAccountId;
  return {
    state: new InvocationStateReader(adapters.clients, adapters.cache, readerOptions),
    policies: new AwsPolicyStore(adapters.clients, adapters.cache),
    audit: adapters.audit,
    storms: adapters.storms,
    notifier: adapters.notifier,
    clock: adapters.clock,
    newId: randomUUID,
  };
}
