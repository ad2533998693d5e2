import type { AuditRecord } from '../remediation/ports.ts';
import {
  chatNotification,
  messageAttributesOf,
  notificationSubject,
  notificationText,
  SnsNotifier,
} from './snsNotifier.ts';

const STATEMENT = {
  Sid: 'AccessRemediatorKms',
  Effect: 'Allow' as const,
  Action: 'kms:GenerateDataKey',
  Resource: '*',
  Principal: { AWS: 'arn:aws:iam::111122223333:user/bob' },
};

function record(fields: Partial<AuditRecord> = {}): AuditRecord {
  return {
    auditId: '34554f96-cc28-49db-8295-af4d7d57c44c',
    eventId: '34554f96-cc28-49db-8295-af4d7d57c44c',
    recordedAt: '2026-11-20T09:15:42.000Z',
    account: '111122223333',
    principal: 'arn:aws:iam::111122223333:user/bob',
    request: { service: 's3', eventName: 'PutObject', resource: 'arn:aws:s3:::legal/contracts/a.pdf' },
    verdict: 'missing-allow',
    decision: 'needs-approval',
    reason: 'The key policy does not allow bob kms:GenerateDataKey.',
    patches: [
      {
        account: '111122223333',
        target: { type: 'kms-key', arn: 'arn:aws:kms:us-east-1:111122223333:key/k-1' },
        policyName: null,
        addStatements: [STATEMENT],
        before: { Version: '2012-10-17', Statement: [] },
        after: { Version: '2012-10-17', Statement: [STATEMENT] },
      },
    ],
    proof: {
      before: 'denied',
      after: 'allowed',
      evaluations: 2,
      sweep: { requests: 120, evaluations: 12, newlyAllowed: 1, unintended: [] },
    },
    actor: null,
    outcome: 'proposed',
    outcomeReason: null,
    stormKey: 'k',
    occurrences: 3,
    rollbackOf: null,
    rolledBackBy: null,
    updatedAt: '2026-11-20T09:15:42.000Z',
    ...fields,
  };
}

describe('notification content', () => {
  it('the plain text names the verdict, the principal, the request, the reason and the exact statements', () => {
    const text = notificationText(record());
    expect(text).toContain(
      'access-remediator proposal 34554f96-cc28-49db-8295-af4d7d57c44c: proposed for approval',
    );
    expect(text).toContain('Principal: arn:aws:iam::111122223333:user/bob');
    expect(text).toContain('Request:   s3:PutObject on arn:aws:s3:::legal/contracts/a.pdf');
    expect(text).toContain('(3 occurrences)');
    expect(text).toContain('kms-key arn:aws:kms:us-east-1:111122223333:key/k-1 in 111122223333 — adds:');
    expect(text).toContain('"Action": "kms:GenerateDataKey"');
    expect(text).toContain(
      'Proof: request denied → allowed; sweep of 120 nearby requests: nothing else newly allowed',
    );
    expect(text).toContain('Review: access-remediator audit show 34554f96-cc28-49db-8295-af4d7d57c44c');
  });

  it('is the Amazon Q Developer in chat applications custom notification format', () => {
    const chat = chatNotification(record()) as {
      version: string;
      source: string;
      id: string;
      content: {
        textType: string;
        title: string;
        description: string;
        nextSteps: string[];
        keywords: string[];
      };
      metadata: { threadId: string; relatedResources: string[]; additionalContext: Record<string, string> };
    };
    expect(chat.version).toBe('1.0');
    expect(chat.source).toBe('custom');
    expect(chat.id).toBe('34554f96-cc28-49db-8295-af4d7d57c44c');
    expect(chat.content.textType).toBe('client-markdown');
    expect(chat.content.title).toBe(':warning: access-remediator proposal: missing-allow for user/bob');
    expect(chat.content.description).toContain('```\n[\n  {\n    "Sid": "AccessRemediatorKms"');
    expect(chat.content.nextSteps[0]).toContain('access-remediator audit show 34554f96');
    expect(chat.content.keywords).toEqual(['missing-allow', 'needs-approval', 'proposed', '111122223333']);
    expect(chat.metadata.relatedResources).toEqual([
      'arn:aws:iam::111122223333:user/bob',
      'arn:aws:kms:us-east-1:111122223333:key/k-1',
    ]);
    for (const value of Object.values(chat.metadata.additionalContext)) expect(typeof value).toBe('string');
  });

  it('says an escalation is one, with no approval step', () => {
    const escalation = record({
      verdict: 'explicit-deny',
      decision: 'escalate',
      outcome: 'escalated',
      patches: [],
    });
    expect(notificationSubject(escalation)).toBe(
      'access-remediator escalation: explicit-deny in 111122223333',
    );
    const chat = chatNotification(escalation) as { content: { title: string; nextSteps: string[] } };
    expect(chat.content.title).toContain(':rotating_light: access-remediator escalation');
    expect(chat.content.nextSteps.join(' ')).not.toContain('Approve');
  });

  it('keeps the subject within what SNS accepts: ASCII, one line, at most 100 characters', () => {
    const subject = notificationSubject(record({ verdict: 'undetermined', account: null }));
    expect(subject).toBe('access-remediator proposal: undetermined');
    expect(notificationSubject(record({ account: '1'.repeat(200) })).length).toBeLessThanOrEqual(100);
  });

  it('truncates very large statements in messages (the audit record keeps them whole)', () => {
    const big = {
      ...STATEMENT,
      Resource: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`),
    };
    const patch = { ...record().patches[0]!, addStatements: [big] };
    expect(notificationText(record({ patches: [patch] }))).toContain('(truncated; the audit record has');
  });

  it('gives filterable message attributes, leaving out empty ones', () => {
    expect(messageAttributesOf(record({ account: null }))).toEqual({
      verdict: { DataType: 'String', StringValue: 'missing-allow' },
      decision: { DataType: 'String', StringValue: 'needs-approval' },
      outcome: { DataType: 'String', StringValue: 'proposed' },
      auditId: { DataType: 'String', StringValue: '34554f96-cc28-49db-8295-af4d7d57c44c' },
    });
  });
});

describe('SnsNotifier', () => {
  it('publishes one JSON-structured message: the chat notification by default, the text for e-mail', async () => {
    const sent: { input: Record<string, unknown> }[] = [];
    const sns = { send: async (command: { input: Record<string, unknown> }) => void sent.push(command) };
    await new SnsNotifier(sns as never, 'arn:aws:sns:us-east-1:123456789012:topic').notify(record());
    expect(sent).toHaveLength(1);
    const input = sent[0]!.input;
    expect(input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:topic',
      MessageStructure: 'json',
      Subject: 'access-remediator proposal: missing-allow in 111122223333',
    });
    const message = JSON.parse(String(input.Message));
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(JSON.parse(message.default)).toMatchObject({ version: '1.0', source: 'custom' });
    expect(message.email).toBe(notificationText(record()));
  });
});
