import { AwsClients } from '../../../shared/aws/clients.ts';
import { buildSnapshot } from '../../../shared/aws/snapshotBuilder.ts';
import { reportDifferences } from '../../support/expectReport.ts';
import { analyzeLive, seedCase } from './fixtureCase.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';

/** The whole-account snapshot (for `access-remediator snapshot`) of accounts recreated in moto. */
const moto = useMotoServer();

beforeEach(() => moto.server.reset());

describe('buildSnapshot on moto', () => {
  it('describes every role, key, bucket and the organization; the engine gives the fixture verdict on it', async () => {
    const seedClients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
    const name = 'deny-scp-missing-allow-kms';
    const live = await seedCase(seedClients, name);
    const account = live.event.recipientAccountId!;

    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
    const snapshot = await buildSnapshot(clients, { accounts: [account] });
    console.log(
      `buildSnapshot of one account: ${clients.counter.total()} calls`,
      clients.counter.byOperation(),
    );

    const described = snapshot.accounts[account]!;
    expect(described.iam?.RoleDetailList?.length).toBeGreaterThan(0);
    expect(described.kms?.length).toBeGreaterThan(0);
    expect(described.s3?.length).toBeGreaterThan(0);
    expect(snapshot.organization?.accounts[account]).toBeDefined();
    expect(snapshot.organization?.policies.some((p) => p.name !== 'FullAWSAccess')).toBe(true);
    // The engine reads it like a snapshot file: schema, index, same verdict as the fixture.
    const line = analyzeLive(name, live.event, JSON.parse(JSON.stringify(snapshot)));
    expect(reportDifferences(line, live.expected)).toEqual([]);
  });

  it('keeps an account whose member role cannot be assumed out, and fails when none can be read', async () => {
    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
    jest
      .spyOn(clients.sts(), 'send')
      .mockRejectedValue(Object.assign(new Error('denied'), { name: 'AccessDenied' }) as never);
    const warnings: string[] = [];
    const snapshot = await buildSnapshot(clients, {
      accounts: [MOTO_DEFAULT_ACCOUNT, '444455556666'],
      warn: (m) => warnings.push(m),
    });
    expect(Object.keys(snapshot.accounts)).toEqual([MOTO_DEFAULT_ACCOUNT]);
    expect(warnings).toHaveLength(1);
    await expect(buildSnapshot(clients, { accounts: ['444455556666'] })).rejects.toThrow(/could be read/);
  });
});
