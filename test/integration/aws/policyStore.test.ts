import { GetKeyPolicyCommand, type KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { AwsAdapterError } from '../../../shared/aws/errors.ts';
import { AwsPolicyStore } from '../../../shared/aws/policyStore.ts';
import { TtlCache } from '../../../shared/aws/ttlCache.ts';
import type { PolicyDocument } from '../../../shared/policy/types.ts';
import type { PatchTarget } from '../../../shared/remediation/ports.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';
import { seedFromSnapshot } from './seedFromSnapshot.ts';

/** AwsPolicyStore round trips against moto, in a member account reached through AssumeRole. */
const moto = useMotoServer();
const ACCOUNT = '444455556666';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/app`;

const allow = (sid: string, extra: Record<string, unknown> = {}): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: sid,
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::store-test/reports/*',
      ...extra,
    },
  ],
});

let clients: AwsClients;
let keyArn: string;

beforeEach(async () => {
  await moto.server.reset();
  clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
  const seeded = await seedFromSnapshot(clients, {
    version: 1,
    accounts: {
      [ACCOUNT]: {
        iam: {
          RoleDetailList: [{ RoleName: 'app', Arn: PRINCIPAL, RoleId: 'AROAAPPROLEID0000001' }],
          UserDetailList: [{ UserName: 'dave', Arn: `arn:aws:iam::${ACCOUNT}:user/dave` }],
        },
        kms: [
          {
            keyMetadata: {
              KeyId: '00000000-0000-4000-8000-000000000001',
              Arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-4000-8000-000000000001`,
              KeyState: 'Enabled',
              KeyManager: 'CUSTOMER',
            },
            policy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'Enable IAM User Permissions',
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                  Action: 'kms:*',
                  Resource: '*',
                },
              ],
            },
            aliases: [],
          },
        ],
        s3: [{ name: 'store-test', region: 'us-east-1', policy: null, encryption: null }],
      },
    },
  });
  keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${seeded.ids.get('00000000-0000-4000-8000-000000000001')}`;
});

const targets = (): [string, PatchTarget, PolicyDocument][] => [
  [
    'inline role policy',
    { account: ACCOUNT, type: 'iam-role', arn: PRINCIPAL, policyName: 'access-remediator' },
    allow('AccessRemediatorS3'),
  ],
  [
    'inline user policy',
    {
      account: ACCOUNT,
      type: 'iam-user',
      arn: `arn:aws:iam::${ACCOUNT}:user/dave`,
      policyName: 'access-remediator',
    },
    allow('AccessRemediatorS3'),
  ],
  [
    'bucket policy',
    { account: ACCOUNT, type: 's3-bucket', arn: 'arn:aws:s3:::store-test', policyName: null },
    allow('AccessRemediatorS3', { Principal: { AWS: PRINCIPAL } }),
  ],
];

describe('AwsPolicyStore on moto', () => {
  it.each(targets())('%s: absent, written, read back equal, removed', async (_label, target, document) => {
    const store = new AwsPolicyStore(clients);
    expect(await store.read(target)).toBeNull();
    await store.write(target, document);
    expect(await store.read(target)).toEqual(document);
    await store.remove(target);
    expect(await store.read(target)).toBeNull();
  });

  it('key policy: read, written with the lockout check on, read back, never removed', async () => {
    const target: PatchTarget = { account: ACCOUNT, type: 'kms-key', arn: keyArn, policyName: null };
    const store = new AwsPolicyStore(clients);
    const before = await store.read(target);
    expect(before?.Statement).toEqual([expect.objectContaining({ Sid: 'Enable IAM User Permissions' })]);

    const kms: KMSClient = await clients.kms(ACCOUNT);
    const sent: unknown[] = [];
    const send = kms.send.bind(kms) as (command: unknown) => Promise<unknown>;
    jest.spyOn(kms, 'send').mockImplementation(((command: unknown) => {
      sent.push(command);
      return send(command);
    }) as typeof kms.send);

    const after: PolicyDocument = {
      ...before!,
      Statement: [
        ...(Array.isArray(before!.Statement) ? before!.Statement : [before!.Statement]),
        {
          Sid: 'AccessRemediatorKms',
          Effect: 'Allow',
          Principal: { AWS: PRINCIPAL },
          Action: 'kms:Decrypt',
          Resource: '*',
        },
      ],
    };
    await store.write(target, after);
    expect(await store.read(target)).toEqual(after);
    const put = sent.find((c): c is PutKeyPolicyCommand => c instanceof PutKeyPolicyCommand);
    expect(put?.input).toMatchObject({
      KeyId: keyArn,
      PolicyName: 'default',
      BypassPolicyLockoutSafetyCheck: false,
    });
    expect(
      sent
        .filter((c) => c instanceof GetKeyPolicyCommand)
        .map((c) => (c as GetKeyPolicyCommand).input.PolicyName),
    ).toEqual(['default']);

    await expect(store.remove(target)).rejects.toThrow(/key policy is never deleted/);
    expect(await store.read(target)).toEqual(after);
  });

  it('names the operation and target in its errors, with the SDK error as cause', async () => {
    const store = new AwsPolicyStore(clients);
    const missing: PatchTarget = {
      account: ACCOUNT,
      type: 'iam-role',
      arn: `arn:aws:iam::${ACCOUNT}:role/no-such-role`,
      policyName: 'access-remediator',
    };
    const error = await store.write(missing, allow('X')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect((error as Error).message).toContain(
      `iam:PutRolePolicy on arn:aws:iam::${ACCOUNT}:role/no-such-role`,
    );
    expect((error as Error).message).toContain('NoSuchEntity');
    expect((error as Error).cause).toBeInstanceOf(Error);

    const noName = { ...missing, arn: PRINCIPAL, policyName: null };
    await expect(store.read(noName)).rejects.toThrow(/needs a policy name/);
  });

  it('drops the shared read cache of the account it wrote to', async () => {
    const cache = new TtlCache();
    await cache.get(`${ACCOUNT}/iam/role/app`, async () => 'stale');
    await cache.get('111122223333/iam/role/other', async () => 'kept');
    const store = new AwsPolicyStore(clients, cache);
    await store.write(targets()[0]![1], allow('AccessRemediatorS3'));
    expect(await cache.get(`${ACCOUNT}/iam/role/app`, async () => 'fresh')).toBe('fresh');
    expect(await cache.get('111122223333/iam/role/other', async () => 'reloaded')).toBe('kept');
  });
});
