import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { iamRoleArn, partitionOfRegion } from '../arn/arn.ts';
import { REMEDIATOR_NAME } from '../remediatorName.ts';
import { AwsCallCounter, countCalls } from './callCounter.ts';
import { ACCESS_DENIED, AccountUnreachableError, attempt, isAwsError } from './errors.ts';

export interface AwsClientsOptions {
  /** Default region; else AWS_REGION, AWS_DEFAULT_REGION, us-east-1. */
  region?: string;
  /** The role assumed in every other account (may carry a path: "path/name"). */
  memberRoleName?: string;
  /** The account of the process's own credentials; asked from STS GetCallerIdentity when absent. */
  currentAccountId?: string;
  roleSessionName?: string;
  /** AssumeRole session length, 900–3600 s (role chaining caps it at one hour). */
  sessionDurationSeconds?: number;
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
  /** Socket idle time before a request is abandoned (and retried). */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  counter?: AwsCallCounter;
  /**
   * Reach the process's own account through its member role too (the Lambda: its own role may only read and write
   * the remediator's tables and topic, while the member role deployed in that account holds the account reads).
   */
  memberRoleInOwnAccount?: boolean;
  /** Milliseconds since the epoch; injectable for credential-expiry tests. */
  now?: () => number;
}

export const DEFAULT_MEMBER_ROLE_NAME = 'access-remediator-member';
/** Appended to every SDK user agent; `userAgentMarker` in the remediation options looks for it. */
export const USER_AGENT = REMEDIATOR_NAME;

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** What every client gets. Endpoints are not set here: the SDK reads AWS_ENDPOINT_URL(_<SERVICE>) itself. */
interface CommonConfig {
  region: string;
  customUserAgent: string;
  credentials?: () => Promise<Credentials>;
  maxAttempts: number;
  retryMode: string;
  requestHandler: { requestTimeout: number; connectionTimeout: number };
}

/** Assumed-role credentials are renewed this long before they expire (the SDK itself refreshes at 5 minutes). */
const REFRESH_MARGIN_MS = 6 * 60_000;

/**
 * SDK clients per account and region. The process's own account uses the default credential chain; any other
 * account is reached through AssumeRole into `arn:aws:iam::<account>:role/<memberRoleName>`, with the temporary
 * credentials cached until shortly before they expire. Every client counts its calls in `counter`.
 */
export class AwsClients {
  readonly region: string;
  readonly memberRoleName: string;
  readonly counter: AwsCallCounter;
  private readonly options: AwsClientsOptions;
  private readonly now: () => number;
  private readonly clients = new Map<string, unknown>();
  private readonly assumed = new Map<string, Promise<Credentials & { expiration: Date }>>();
  private currentAccount: Promise<string> | null = null;
  private stsClient: STSClient | null = null;

  constructor(options: AwsClientsOptions = {}) {
    this.options = options;
    this.region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    this.memberRoleName = options.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME;
    this.counter = options.counter ?? new AwsCallCounter();
    this.now = options.now ?? Date.now;
  }

  /** The account whose credentials this process runs with. */
  currentAccountId(): Promise<string> {
    if (this.options.currentAccountId) return Promise.resolve(this.options.currentAccountId);
    this.currentAccount ??= attempt('sts:GetCallerIdentity', async () => {
      const identity = await this.sts().send(new GetCallerIdentityCommand({}));
      if (!identity.Account) throw new Error('GetCallerIdentity returned no account');
      return identity.Account;
    }).catch((error: unknown) => {
      this.currentAccount = null;
      throw error;
    });
    return this.currentAccount;
  }

  /** STS with the process's own credentials. */
  sts(): STSClient {
    this.stsClient ??= this.build('sts', this.region, undefined, (config) => new STSClient(config));
    return this.stsClient;
  }

  iam(account: string): Promise<IAMClient> {
    // IAM is global: its endpoint lives in the partition's first region.
    const region = partitionOfRegion(this.region) === 'aws' ? 'us-east-1' : this.region;
    return this.client('iam', account, region, (config) => new IAMClient(config));
  }

  kms(account: string, region = this.region): Promise<KMSClient> {
    return this.client('kms', account, region, (config) => new KMSClient(config));
  }

  s3(account: string, region = this.region): Promise<S3Client> {
    return this.client(
      's3',
      account,
      region,
      (config) => new S3Client({ ...config, followRegionRedirects: true }),
    );
  }

  ec2(account: string, region = this.region): Promise<EC2Client> {
    return this.client('ec2', account, region, (config) => new EC2Client(config));
  }

  /** Organizations answers in the management account or a delegated administrator; default: this account. */
  async organizations(account?: string): Promise<OrganizationsClient> {
    const region = partitionOfRegion(this.region) === 'aws' ? 'us-east-1' : this.region;
    return this.client(
      'organizations',
      account ?? (await this.currentAccountId()),
      region,
      (config) => new OrganizationsClient(config),
    );
  }

  async cloudTrail(account?: string, region = this.region): Promise<CloudTrailClient> {
    return this.client(
      'cloudtrail',
      account ?? (await this.currentAccountId()),
      region,
      // LookupEvents allows 2 requests per second per account and region: adaptive retry paces the pages.
      (config) => new CloudTrailClient({ ...config, retryMode: 'adaptive' }),
    );
  }

  async sns(account?: string, region = this.region): Promise<SNSClient> {
    return this.client(
      'sns',
      account ?? (await this.currentAccountId()),
      region,
      (config) => new SNSClient(config),
    );
  }

  async dynamoDb(account?: string, region = this.region): Promise<DynamoDBClient> {
    return this.client(
      'dynamodb',
      account ?? (await this.currentAccountId()),
      region,
      (config) => new DynamoDBClient(config),
    );
  }

  /** The DocumentClient shares its base client's middleware, so its calls are counted as dynamodb:<Operation>. */
  async dynamoDbDocument(account?: string, region = this.region): Promise<DynamoDBDocumentClient> {
    const base = await this.dynamoDb(account, region);
    const key = `dynamodb-document/${account ?? ''}/${region}`;
    let document = this.clients.get(key) as DynamoDBDocumentClient | undefined;
    if (!document) {
      document = DynamoDBDocumentClient.from(base, {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      });
      this.clients.set(key, document);
    }
    return document;
  }

  /** Forgets cached clients and credentials (tests that reset the emulator; a changed endpoint). */
  clear(): void {
    for (const client of this.clients.values()) (client as { destroy?: () => void }).destroy?.();
    this.clients.clear();
    this.assumed.clear();
    this.stsClient?.destroy();
    this.stsClient = null;
    this.currentAccount = null;
  }

  private async client<C extends { middlewareStack: unknown }>(
    service: string,
    account: string,
    region: string,
    create: (config: CommonConfig) => C,
  ): Promise<C> {
    const key = `${service}/${account}/${region}`;
    const cached = this.clients.get(key) as C | undefined;
    if (cached) return cached;
    const own = account === (await this.currentAccountId()) && !this.options.memberRoleInOwnAccount;
    const credentials = own ? undefined : () => this.memberCredentials(account);
    // Another caller may have built it while this one awaited the account id.
    const built = this.clients.get(key) as C | undefined;
    if (built) return built;
    const client = this.build(service, region, credentials, create);
    this.clients.set(key, client);
    return client;
  }

  private build<C extends { middlewareStack: unknown }>(
    service: string,
    region: string,
    credentials: CommonConfig['credentials'],
    create: (config: CommonConfig) => C,
  ): C {
    const config: CommonConfig = {
      region,
      // CloudTrail records this user agent: the remediator recognizes the events its own calls cause by it.
      customUserAgent: USER_AGENT,
      maxAttempts: this.options.maxAttempts ?? 5,
      retryMode: this.options.retryMode ?? 'standard',
      requestHandler: {
        requestTimeout: this.options.requestTimeoutMs ?? 10_000,
        connectionTimeout: this.options.connectionTimeoutMs ?? 3_000,
      },
    };
    if (credentials) config.credentials = credentials;
    const client = create(config);
    countCalls(client, service, this.counter);
    return client;
  }

  /** AssumeRole into the member role of `account`, cached until REFRESH_MARGIN_MS before expiry. */
  private async memberCredentials(account: string): Promise<Credentials> {
    const cached = this.assumed.get(account);
    if (cached) {
      const credentials = await cached.catch(() => null);
      if (credentials && credentials.expiration.getTime() - this.now() > REFRESH_MARGIN_MS)
        return credentials;
      if (this.assumed.get(account) === cached) this.assumed.delete(account);
    }
    let pending = this.assumed.get(account);
    if (!pending) {
      pending = this.assumeMemberRole(account);
      this.assumed.set(account, pending);
      pending.catch(() => {
        if (this.assumed.get(account) === pending) this.assumed.delete(account);
      });
    }
    return pending;
  }

  private async assumeMemberRole(account: string): Promise<Credentials & { expiration: Date }> {
    const roleArn = iamRoleArn(account, this.memberRoleName, partitionOfRegion(this.region));
    const what = `sts:AssumeRole into ${roleArn}`;
    return attempt(what, async () => {
      const answer = await this.sts()
        .send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: this.options.roleSessionName ?? REMEDIATOR_NAME,
            DurationSeconds: this.options.sessionDurationSeconds ?? 900,
          }),
        )
        .catch((error: unknown) => {
          // Refused (no such role, no trust, not allowed): the account is out of reach, not the call broken.
          if (isAwsError(error, ...ACCESS_DENIED, 'RegionDisabledException'))
            throw new AccountUnreachableError(account, `${what} refused: ${(error as Error).message}`, {
              cause: error,
            });
          throw error;
        });
      const c = answer.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration)
        throw new Error('AssumeRole returned no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    });
  }
}
