import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';

/** The client factory against moto: endpoint from AWS_ENDPOINT_URL, AssumeRole per account, call counting. */
const moto = useMotoServer();
const MEMBER = '444455556666';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

beforeEach(() => moto.server.reset());

describe('AwsClients on moto', () => {
  it('reaches the emulator through AWS_ENDPOINT_URL alone (no endpoint in code)', async () => {
    expect(process.env.AWS_ENDPOINT_URL).toBe(moto.server.endpoint);
    const clients = new AwsClients();
    expect(await clients.currentAccountId()).toBe(MOTO_DEFAULT_ACCOUNT);
    expect(clients.counter.byOperation()).toEqual({ 'sts:GetCallerIdentity': 1 });
  });

  it('works in another account through its member role, assuming it once for all its clients', async () => {
    const clients = new AwsClients({
      currentAccountId: MOTO_DEFAULT_ACCOUNT,
      memberRoleName: 'remediation/member',
    });
    const sts = clients.sts();
    const send = jest.spyOn(sts, 'send');
    const iam = await clients.iam(MEMBER);
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    const role = await iam.send(new GetRoleCommand({ RoleName: 'app' }));
    expect(role.Role?.Arn).toBe(`arn:aws:iam::${MEMBER}:role/app`);
    await (await clients.kms(MEMBER)).send(new ListKeysCommand({}));
    expect(clients.counter.byOperation()).toEqual({
      'iam:CreateRole': 1,
      'iam:GetRole': 1,
      'kms:ListKeys': 1,
      'sts:AssumeRole': 1,
    });
    expect((send.mock.calls[0]![0] as { input: { RoleArn: string } }).input.RoleArn).toBe(
      `arn:aws:iam::${MEMBER}:role/remediation/member`,
    );
    // The process's own account uses its own credentials: no AssumeRole.
    await (await clients.iam(MOTO_DEFAULT_ACCOUNT))
      .send(new GetRoleCommand({ RoleName: 'app' }))
      .catch(() => null);
    expect(clients.counter.byOperation()['sts:AssumeRole']).toBe(1);
  });

  it('assumes the role again once the cached credentials are close to expiry', async () => {
    let now = Date.now();
    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT, now: () => now });
    await (await clients.iam(MEMBER)).send(new GetRoleCommand({ RoleName: 'x' })).catch(() => null);
    expect(clients.counter.byOperation()['sts:AssumeRole']).toBe(1);
    // moto issues one-hour credentials; 55 minutes later they are inside the refresh margin.
    now += 55 * 60_000;
    await (await clients.kms(MEMBER)).send(new ListKeysCommand({}));
    expect(clients.counter.byOperation()['sts:AssumeRole']).toBe(2);
  });

  it('configures retries and timeouts on every client', async () => {
    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT, maxAttempts: 3 });
    const iam = await clients.iam(MOTO_DEFAULT_ACCOUNT);
    expect(await iam.config.maxAttempts()).toBe(3);
    const modeOf = async (c: { config: { retryStrategy(): Promise<unknown> } }) =>
      ((await c.config.retryStrategy()) as { mode?: string }).mode;
    expect(await modeOf(iam)).toBe('standard');
    const trail = await clients.cloudTrail();
    expect(await modeOf(trail)).toBe('adaptive');
    const handler = iam.config.requestHandler as unknown as {
      configProvider: Promise<Record<string, unknown>>;
    };
    expect(await handler.configProvider).toMatchObject({ requestTimeout: 10_000, connectionTimeout: 3_000 });
  });

  it('counts calls per operation and resets', async () => {
    const clients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
    const kms = await clients.kms(MOTO_DEFAULT_ACCOUNT);
    await kms.send(new ListKeysCommand({}));
    await kms.send(new ListKeysCommand({}));
    expect(clients.counter.total()).toBe(2);
    clients.counter.reset();
    expect(clients.counter.byOperation()).toEqual({});
  });
});
