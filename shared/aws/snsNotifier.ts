import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AuditRecord, Notifier } from '../remediation/ports.ts';
import type { Patch } from '../report/types.ts';
import { attempt } from './errors.ts';

/** How much of the added statements a message shows; the audit record has all of it. */
const MAX_STATEMENTS_TEXT = 3_000;
const MAX_SUBJECT = 100;

function kindOf(record: AuditRecord): { noun: string; heading: string; emoji: string } {
  switch (record.outcome) {
    case 'escalated':
      return {
        noun: 'escalation',
        heading: 'needs a person to decide (no patch may fix it)',
        emoji: ':rotating_light:',
      };
    case 'rate-limited':
      return {
        noun: 'proposal',
        heading: 'proposed for approval (automatic apply limit reached)',
        emoji: ':warning:',
      };
    default:
      return { noun: 'proposal', heading: 'proposed for approval', emoji: ':warning:' };
  }
}

function requestText(record: AuditRecord): string {
  const r = record.request;
  return r ? `${r.service}:${r.eventName}${r.resource ? ` on ${r.resource}` : ''}` : '(unknown request)';
}

function targetText(patch: Patch): string {
  const policy = patch.policyName ? ` (inline policy ${patch.policyName})` : '';
  return `${patch.target.type} ${patch.target.arn}${policy} in ${patch.account}`;
}

function statementsText(patch: Patch): string {
  const text = JSON.stringify(patch.addStatements, null, 2);
  return text.length > MAX_STATEMENTS_TEXT
    ? `${text.slice(0, MAX_STATEMENTS_TEXT)}\n… (truncated; the audit record has the whole patch)`
    : text;
}

function proofText(record: AuditRecord): string | null {
  const proof = record.proof;
  if (!proof) return null;
  return `request ${proof.before} → ${proof.after}; sweep of ${proof.sweep.requests} nearby requests: ${proof.sweep.unintended.length === 0 ? 'nothing else newly allowed' : `UNINTENDED: ${proof.sweep.unintended.join('; ')}`}`;
}

function reviewCommand(record: AuditRecord): string {
  return `access-remediator audit show ${record.auditId}`;
}

/** The plain-text message (e-mail): what happened, why, and the exact statements a person is asked to approve. */
export function notificationText(record: AuditRecord): string {
  const kind = kindOf(record);
  const lines = [
    `access-remediator ${kind.noun} ${record.auditId}: ${kind.heading}`,
    '',
    `Verdict:   ${record.verdict}`,
    `Decision:  ${record.decision}`,
    `Outcome:   ${record.outcome}`,
    `Account:   ${record.account ?? '(unknown)'}`,
    `Principal: ${record.principal ?? '(unknown)'}`,
    `Request:   ${requestText(record)}`,
    `Event:     ${record.eventId ?? '(none)'}${record.occurrences > 1 ? ` (${record.occurrences} occurrences)` : ''}`,
    '',
    `Why: ${record.reason}`,
  ];
  if (record.outcomeReason) lines.push(`Note: ${record.outcomeReason}`);
  if (record.patches.length > 0) {
    lines.push(
      '',
      `Proposed patch (${record.patches.length} polic${record.patches.length === 1 ? 'y' : 'ies'}):`,
    );
    record.patches.forEach((patch, i) => {
      lines.push(`${i + 1}. ${targetText(patch)} — adds:`, statementsText(patch));
    });
    const proof = proofText(record);
    if (proof) lines.push(`Proof: ${proof}`);
  }
  lines.push('', `Review: ${reviewCommand(record)}`);
  return lines.join('\n');
}

/** SNS subjects: ASCII, no line breaks, at most 100 characters. */
export function notificationSubject(record: AuditRecord): string {
  const kind = kindOf(record);
  const subject = `access-remediator ${kind.noun}: ${record.verdict}${record.account ? ` in ${record.account}` : ''}`;
  return subject
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, MAX_SUBJECT)
    .trim();
}

/**
 * The Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification: version "1.0", source
 * "custom", client-markdown content with title, description and next steps; metadata for threading and context.
 */
export function chatNotification(record: AuditRecord): Record<string, unknown> {
  const kind = kindOf(record);
  const who = record.principal
    ? record.principal.slice(record.principal.lastIndexOf(':') + 1)
    : 'unknown principal';
  const description = [
    `*${record.verdict}* → *${record.decision}* (${record.outcome}) for \`${record.principal ?? 'unknown principal'}\` in account \`${record.account ?? 'unknown'}\``,
    `Request: \`${requestText(record)}\``,
    record.reason,
    ...(record.outcomeReason ? [`_${record.outcomeReason}_`] : []),
    ...record.patches.map(
      (patch) => `*${targetText(patch)}* adds:\n\`\`\`\n${statementsText(patch)}\n\`\`\``,
    ),
    ...(proofText(record) ? [`Proof: ${proofText(record)}`] : []),
  ].join('\n');
  const nextSteps =
    record.outcome === 'escalated'
      ? [`Investigate: \`${reviewCommand(record)}\``, 'No automatic patch is possible; a person must decide.']
      : [
          `Review the proposed patch: \`${reviewCommand(record)}\``,
          'Approve it to apply, or leave it: nothing changes until it is approved.',
        ];
  return {
    version: '1.0',
    source: 'custom',
    id: record.auditId,
    content: {
      textType: 'client-markdown',
      title: `${kind.emoji} access-remediator ${kind.noun}: ${record.verdict} for ${who}`,
      description,
      nextSteps,
      keywords: [
        record.verdict,
        record.decision,
        record.outcome,
        ...(record.account ? [record.account] : []),
      ],
    },
    metadata: {
      threadId: record.auditId,
      summary: `access-remediator ${kind.noun}: ${record.verdict} for ${who}`,
      eventType: `access-remediator.${kind.noun}`,
      relatedResources: [
        ...(record.principal ? [record.principal] : []),
        ...record.patches.map((p) => p.target.arn),
      ],
      additionalContext: {
        auditId: record.auditId,
        eventId: record.eventId ?? '',
        account: record.account ?? '',
        verdict: record.verdict,
        decision: record.decision,
        outcome: record.outcome,
      },
    },
  };
}

/** For subscription filter policies: non-empty strings only (SNS refuses empty attribute values). */
export function messageAttributesOf(record: AuditRecord): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  const add = (name: string, value: string | null) => {
    if (value) attributes[name] = { DataType: 'String', StringValue: value };
  };
  add('verdict', record.verdict);
  add('decision', record.decision);
  add('outcome', record.outcome);
  add('account', record.account);
  add('auditId', record.auditId);
  return attributes;
}

/**
 * Proposals and escalations on the notifications topic, one message each. A JSON message structure gives each
 * protocol its own body: the chat custom notification by default (chat applications, SQS, Lambda, HTTPS), the
 * plain-text summary for e-mail.
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    readonly topicArn: string,
  ) {}

  async notify(record: AuditRecord): Promise<void> {
    await attempt(`sns:Publish ${record.outcome} ${record.auditId} to ${this.topicArn}`, () =>
      this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: notificationSubject(record),
          MessageStructure: 'json',
          Message: JSON.stringify({
            default: JSON.stringify(chatNotification(record)),
            email: notificationText(record),
          }),
          MessageAttributes: messageAttributesOf(record),
        }),
      ),
    );
  }
}
