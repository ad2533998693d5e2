import { GetUserCommand, type GetUserCommandOutput } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { LiveStateReader } from '../../../shared/aws/liveStateReader.ts';
import { TtlCache } from '../../../shared/aws/ttlCache.ts';
import { reportDifferences } from '../../support/expectReport.ts';
import { analyzeLive, fixtureCases, fixtureSnapshot, seedCase } from './fixtureCase.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';

/**
 * LiveStateReader against a real moto server: each fixture's state is recreated in moto, the reader reads what the
 * fixture's event needs, and the engine's verdict on that live snapshot must match the fixture's expectation.
 */
const moto = useMotoServer();
const callsPerEvent: Record<string, { novel: number; repeated: number; operations: Record<string, number> }> =
  {};

let seedClients: AwsClients;
beforeEach(async () => {
  await moto.server.reset();
  seedClients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
});

afterAll(() => {
  const rows = Object.entries(callsPerEvent).map(
    ([name, c]) => `${name.padEnd(55)} novel ${String(c.novel).padStart(3)}  repeated ${c.repeated}`,
  );
  console.log(`AWS calls per event (LiveStateReader, moto):\n${rows.join('\n')}`);
});

/** Seeds the case, reads it live twice (a fresh reader sharing the TTL cache: the repeat), analyzes. */
async function runCase(name: string) {
  const live = await seedCase(seedClients, name);
  const clients = new AwsClients();
  const cache = new TtlCache();
  const snapshot = await new LiveStateReader(clients, { cache }).readFor(live.event);
  const novel = clients.counter.total();
  const operations = clients.counter.byOperation();
  clients.counter.reset();
  await new LiveStateReader(clients, { cache }).readFor(live.event);
  callsPerEvent[name] = { novel, repeated: clients.counter.total(), operations };
  const line = analyzeLive(name, live.event, snapshot);
  return { live, snapshot, line, calls: callsPerEvent[name]! };
}

describe('LiveStateReader on moto', () => {
  it('contract example: missing kms:GenerateDataKey gives one identity patch', async () => {
    const { live, line, calls, snapshot } = await runCase('contract-example');
    expect(reportDifferences(line, live.expected)).toEqual([]);
    expect(line.verdict).toBe('missing-allow');
    expect(line.patches.map((p) => [p.target.type, p.policyName])).toEqual([
      ['iam-role', 'access-remediator'],
    ]);
    // Only what the analysis needs: the caller, the key, and the bucket of the encryption context (its Bucket Key).
    expect(Object.keys(snapshot.accounts)).toEqual(['111122223333']);
    expect(snapshot.accounts['111122223333']?.s3?.map((b) => b.name)).toEqual(['example-reports']);
    expect(calls.operations).toEqual({
      'sts:GetCallerIdentity': 1,
      'sts:AssumeRole': 1,
      'organizations:DescribeOrganization': 1,
      's3:GetBucketLocation': 1,
      's3:GetBucketPolicy': 1,
      's3:GetBucketEncryption': 1,
      'iam:GetRole': 1,
      'iam:ListRolePolicies': 1,
      'iam:GetRolePolicy': 1,
      'iam:ListAttachedRolePolicies': 1,
      'kms:DescribeKey': 1,
      'kms:GetKeyPolicy': 1,
      'kms:ListAliases': 1,
    });
    expect(calls.repeated).toBe(0);
  });

  it('cross-account GetObject gives three patches (bucket, key, identity)', async () => {
    const { live, line, snapshot, calls } = await runCase('kc001-cross-account-getobject-three-patches');
    expect(reportDifferences(line, live.expected)).toEqual([]);
    expect(line.patches.map((p) => p.target.type).sort()).toEqual(['iam-role', 'kms-key', 's3-bucket']);
    expect(Object.keys(snapshot.accounts).sort()).toEqual(['111122223333', '444455556666']);
    // Two member accounts reached through AssumeRole, once each.
    expect(calls.operations['sts:AssumeRole']).toBe(2);
  });

  it('the owner copy of a cross-account call finds the caller by its unique id', async () => {
    const { live, line, calls } = await runCase('kc001-owner-copy-awsaccount-principal');
    expect(live.event.caller.type).toBe('account');
    expect(reportDifferences(line, live.expected)).toEqual([]);
    expect(calls.operations['iam:ListRoles']).toBe(1);
  });

  it('an SCP explicit deny read from Organizations gives guardrail with the SCP id', async () => {
    const { live, line, snapshot } = await runCase('kc003-scp-deny-s3');
    expect(reportDifferences(line, live.expected)).toEqual([]);
    expect(line.verdict).toBe('guardrail');
    expect(line.deniedBy?.policyType).toBe('scp');
    expect(snapshot.organization?.managementAccountId).toBe(MOTO_DEFAULT_ACCOUNT);
    expect(snapshot.organization?.accounts[line.principal!.split(':')[4]!]?.parents).toHaveLength(2);
  });

  it('a key policy without IAM delegation gives a key-policy patch naming the user', async () => {
    const { live, line } = await runCase('kc003-missing-kms-key-user');
    expect(reportDifferences(line, live.expected)).toEqual([]);
    expect(line.patches.map((p) => p.target.type)).toEqual(['kms-key']);
  });

  it('reads nothing for an error that is not an authorization failure', async () => {
    const { line, calls } = await runCase('verdict-not-permission-nosuchkey');
    expect(line.verdict).toBe('not-permission-error');
    expect(calls.novel).toBe(0);
  });

  it('leaves out an account whose member role cannot be assumed: undetermined, never a guess', async () => {
    const live = await seedCase(seedClients, 'kc001-cross-account-getobject-three-patches');
    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
    const sts = clients.sts();
    const send = sts.send.bind(sts);
    jest.spyOn(sts, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof AssumeRoleCommand && command.input.RoleArn?.includes('::111122223333:'))
        return Promise.reject(
          Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }),
        );
      return send(command as AssumeRoleCommand);
    }) as typeof sts.send);
    const warnings: string[] = [];
    const snapshot = await new LiveStateReader(clients, { warn: (m) => warnings.push(m) }).readFor(
      live.event,
    );
    expect(Object.keys(snapshot.accounts)).toEqual(['444455556666']);
    expect(warnings.join('\n')).toContain('account 111122223333 left out');
    const line = analyzeLive('kc001-cross-account-getobject-three-patches', live.event, snapshot);
    expect(line.verdict).toBe('undetermined');
    expect(line.patches).toEqual([]);
  });

  it('a user permissions boundary caps the user: guardrail (GetUser answer mocked, see below)', async () => {
    // Moto implements no user permissions boundary: PutUserPermissionsBoundary is missing and GetUser never returns
    // one. So this test mocks that one API: the real moto answer to GetUser gets the fixture's boundary added.
    const name = 'kc004-permissions-boundary-implicit';
    const boundary =
      fixtureSnapshot(name).accounts['111122223333']?.iam?.UserDetailList?.[0]?.PermissionsBoundary;
    expect(boundary).toBeDefined();
    const live = await seedCase(seedClients, name);
    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
    const iam = await clients.iam('111122223333');
    const send = iam.send.bind(iam) as (command: unknown) => Promise<GetUserCommandOutput>;
    jest.spyOn(iam, 'send').mockImplementation((async (command: unknown) => {
      const answer = await send(command);
      if (command instanceof GetUserCommand && answer.User && boundary)
        answer.User.PermissionsBoundary = {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: boundary.PermissionsBoundaryArn,
        };
      return answer;
    }) as typeof iam.send);
    const snapshot = await new LiveStateReader(clients).readFor(live.event);
    const line = analyzeLive(name, live.event, snapshot);
    expect(reportDifferences(line, live.expected)).toEqual([]);
    expect(line.deniedBy?.policyType).toBe('permissions-boundary');
  });

  const { supported } = fixtureCases();
  it.each(supported)('fixture %s: the live snapshot gives the expected report', async (name) => {
    const { live, line } = await runCase(name);
    expect({ reason: line.reason, differences: reportDifferences(line, live.expected) }).toEqual({
      reason: line.reason,
      differences: [],
    });
  });
});
