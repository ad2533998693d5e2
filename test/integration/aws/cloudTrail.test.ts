import { CloudTrailClient, type LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { lookupDeniedEvents } from '../../../shared/aws/cloudTrail.ts';
import { AwsAdapterError } from '../../../shared/aws/errors.ts';

/**
 * lookupDeniedEvents with a client mock: moto (5.2.5) does not implement CloudTrail LookupEvents, so this one API
 * is mocked (no emulator is started). The mock pages like the service: NextToken, one event source per call.
 */
const record = (id: string, source: string, time: string, errorCode?: string) => ({
  EventId: id,
  CloudTrailEvent: JSON.stringify({
    eventID: id,
    eventSource: source,
    eventTime: time,
    eventName: 'X',
    errorCode,
  }),
});

const PAGES: Record<string, { Events: unknown[]; NextToken?: string }[]> = {
  's3.amazonaws.com': [
    {
      Events: [
        record('s3-denied', 's3.amazonaws.com', '2026-11-20T10:00:03Z', 'AccessDenied'),
        record('s3-ok', 's3.amazonaws.com', '2026-11-20T10:00:02Z'),
      ],
      NextToken: 'page-2',
    },
    { Events: [record('s3-nosuchbucket', 's3.amazonaws.com', '2026-11-20T10:00:01Z', 'NoSuchBucket')] },
  ],
  'kms.amazonaws.com': [
    {
      Events: [
        record('kms-disabled', 'kms.amazonaws.com', '2026-11-20T10:00:00Z', 'DisabledException'),
        record('kms-denied', 'kms.amazonaws.com', '2026-11-20T10:00:04Z', 'AccessDeniedException'),
        { EventId: 'broken', CloudTrailEvent: '{not json' },
      ],
    },
  ],
};

function mockedClient(): { client: CloudTrailClient; inputs: LookupEventsCommand['input'][] } {
  const client = new CloudTrailClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const inputs: LookupEventsCommand['input'][] = [];
  jest.spyOn(client, 'send').mockImplementation((async (command: LookupEventsCommand) => {
    inputs.push(command.input);
    const source = command.input.LookupAttributes?.[0]?.AttributeValue ?? '';
    const pages = PAGES[source] ?? [];
    return pages[command.input.NextToken === 'page-2' ? 1 : 0] ?? { Events: [] };
  }) as unknown as typeof client.send);
  return { client, inputs };
}

describe('lookupDeniedEvents (LookupEvents mocked: moto lacks it)', () => {
  it('pages both event sources and keeps authorization and key-state failures, oldest first', async () => {
    const { client, inputs } = mockedClient();
    const since = new Date('2026-11-20T00:00:00Z');
    const until = new Date('2026-11-21T00:00:00Z');
    const records = await lookupDeniedEvents(client, since, until);
    expect(records.map((r) => r.eventID)).toEqual(['kms-disabled', 's3-denied', 'kms-denied']);
    expect(inputs).toHaveLength(3);
    expect(inputs[0]).toMatchObject({
      StartTime: since,
      EndTime: until,
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }],
    });
    expect(inputs[1]?.NextToken).toBe('page-2');
  });

  it('reports a failed lookup as an AwsAdapterError naming the call', async () => {
    const client = new CloudTrailClient({ region: 'us-east-1' });
    jest
      .spyOn(client, 'send')
      .mockRejectedValue(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }) as never);
    const error = await lookupDeniedEvents(client, new Date(0), new Date(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect((error as Error).message).toMatch(
      /cloudtrail:LookupEvents s3\.amazonaws\.com .*ThrottlingException/,
    );
  });
});
