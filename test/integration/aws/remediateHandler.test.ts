import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { isAwsError } from '../../../shared/aws/errors.ts';
import { lambdaRemediationDeps } from '../../../shared/aws/lambdaDeps.ts';
import { policyFromAws } from '../../../shared/aws/policyText.ts';
import type { RemediationSummary } from '../../../shared/lambda/remediateCloudTrailEvent.ts';
import type { PolicyDocument, PolicyStatement } from '../../../shared/policy/types.ts';
import type {
  PatchTarget,
  PolicyStore,
  RemediationDeps,
  StateReader,
} from '../../../shared/remediation/ports.ts';
import { rollback } from '../../../shared/remediation/rollback.ts';
import type { Patch } from '../../../shared/report/types.ts';
import { runCli } from '../../support/runCli.ts';
import { FIXTURES, type LiveCase, seedCase } from './fixtureCase.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';
import {
  createStack,
  functionEnvironment,
  lambdaContext,
  receiveNotifications,
  type Stack,
  TABLE_NAMES,
} from './remediateStack.ts';

/**
 * The real remediate function (its module, middleware stack and AWS adapters) against moto: EventBridge events in,
 * and what changed in the emulated accounts, tables and topic out. The module reads its environment when it loads,
 * so it is imported once the emulator runs and the environment (built from template.yaml) is set.
 */
type HandlerModule = typeof import('../../../functions/remediate/handler.ts');
type RuntimeModule = typeof import('../../../functions/remediate/runtime.ts');
type PowertoolsModule = typeof import('../../../functions/commons/powertools/index.ts');

const moto = useMotoServer();
const ACCOUNT = '111122223333';
const ROLE_CASE = 'contract-example';
const ROLE = 'app-writer';
const KEY_CASE = 'kc003-missing-kms-key-user';
const REMEDIATOR_POLICY = 'access-remediator';

/** Role patches for kms:GenerateDataKey/Decrypt in the fixture account apply automatically; the rest is proposed. */
const AUTO_APPLY_CONFIG = {
  autoApply: [
    { accounts: [ACCOUNT], targets: ['iam-role'], actions: ['kms:GenerateDataKey', 'kms:Decrypt'] },
  ],
  remediation: { stormWindowMinutes: 15, appliesPerAccountPerHour: 10, verifyDeadlineSeconds: 2 },
};

let fn: HandlerModule;
let runtimes: RuntimeModule;
let powertools: PowertoolsModule;
let seedClients: AwsClients;
let stack: Stack;
const savedEnvironment: Record<string, string | undefined> = {};
const callFigures: Record<string, { total: number; operations: Record<string, number> }> = {};

beforeAll(async () => {
  const environment: Record<string, string> = {
    ...functionEnvironment(AUTO_APPLY_CONFIG),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  for (const [name, value] of Object.entries(environment)) {
    savedEnvironment[name] = process.env[name];
    process.env[name] = value;
  }
  fn = await import('../../../functions/remediate/handler.ts');
  runtimes = await import('../../../functions/remediate/runtime.ts');
  powertools = await import('../../../functions/commons/powertools/index.ts');
});

afterAll(() => {
  for (const [name, value] of Object.entries(savedEnvironment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const rows = Object.entries(callFigures).map(
    ([what, c]) => `${what.padEnd(62)} ${String(c.total).padStart(3)}  ${JSON.stringify(c.operations)}`,
  );
  console.log(`AWS calls per invocation of the remediate handler (moto):\n${rows.join('\n')}`);
});

beforeEach(async () => {
  await moto.server.reset();
  // Moto forgets the assumed-role sessions on reset: the warm function's clients and reads start over.
  fn.runtime.adapters.clients.clear();
  fn.runtime.adapters.cache.invalidate();
  seedClients = new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT });
  stack = await createStack(seedClients);
});

// ------------------------------------------------------------------------------------------------ helpers

type Handler = HandlerModule['handler'];

/** The fixture's EventBridge event with the emulator's ids; optionally another event id and a later time. */
function eventOf(live: LiveCase, name: string, change: { eventId?: string; minutesLater?: number } = {}) {
  const event = JSON.parse(live.rewrite(readFileSync(join(FIXTURES, name, 'event.json'), 'utf8')));
  if (change.eventId) event.detail.eventID = change.eventId;
  if (change.minutesLater) {
    const shift = (iso: string) => new Date(Date.parse(iso) + change.minutesLater! * 60_000).toISOString();
    event.detail.eventTime = shift(event.detail.eventTime);
    event.time = shift(event.time).replace(/\.\d{3}Z$/, 'Z');
  }
  return event as { id: string; time: string; detail: Record<string, unknown> & { eventID: string } };
}

async function invoke(
  event: unknown,
  figure: string | null = null,
  handler: Handler = fn.handler,
): Promise<RemediationSummary> {
  const counter = fn.runtime.adapters.counter;
  counter.reset();
  const summary = (await handler(event as never, lambdaContext())) as RemediationSummary;
  if (figure) callFigures[figure] = { total: counter.total(), operations: counter.byOperation() };
  return summary;
}

async function inlinePolicy(role: string, name = REMEDIATOR_POLICY): Promise<PolicyDocument | null> {
  const iam = await seedClients.iam(ACCOUNT);
  try {
    const answer = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
    return policyFromAws(answer.PolicyDocument ?? '') as unknown as PolicyDocument;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return null;
    throw error;
  }
}

async function putInlinePolicy(role: string, document: PolicyDocument, name = REMEDIATOR_POLICY) {
  const iam = await seedClients.iam(ACCOUNT);
  await iam.send(
    new PutRolePolicyCommand({ RoleName: role, PolicyName: name, PolicyDocument: JSON.stringify(document) }),
  );
}

async function keyPolicy(keyArn: string): Promise<PolicyDocument> {
  const kms = await seedClients.kms(ACCOUNT, keyArn.split(':')[3]);
  const answer = await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }));
  return JSON.parse(answer.Policy ?? '{}');
}

async function documentClient(): Promise<DynamoDBDocumentClient> {
  return DynamoDBDocumentClient.from(await seedClients.dynamoDb());
}

async function auditItem(auditId: string): Promise<Record<string, unknown> | undefined> {
  const answer = await (await documentClient()).send(
    new GetCommand({ TableName: TABLE_NAMES.AuditTable, Key: { auditId }, ConsistentRead: true }),
  );
  return answer.Item;
}

async function tableItems(logicalId: string): Promise<Record<string, unknown>[]> {
  const answer = await (await documentClient()).send(new ScanCommand({ TableName: TABLE_NAMES[logicalId] }));
  return answer.Items ?? [];
}

function withoutSid({ Sid: _sid, ...rest }: PolicyStatement): PolicyStatement {
  return rest;
}

function expectedStatements(live: LiveCase): PolicyStatement[] {
  return ((live.expected.patches as Patch[] | undefined)?.[0]?.addStatements ?? []).map(withoutSid);
}

/** A runtime like the function's, with other deps (for failures and races moto cannot produce by itself). */
function handlerWithDeps(change: (deps: RemediationDeps) => RemediationDeps): Handler {
  return fn.createRemediateHandler({ ...fn.runtime, deps: () => change(fn.runtime.deps()) });
}

/** Runs `afterFirstRead` once the analysis has read the state, before anything is written: a concurrent change. */
function raceAfterAnalysis(afterFirstRead: () => Promise<void>): Handler {
  return handlerWithDeps((deps) => {
    let reads = 0;
    const state: StateReader = {
      async readFor(event) {
        const snapshot = await deps.state.readFor(event);
        reads += 1;
        if (reads === 1) await afterFirstRead();
        return snapshot;
      },
    };
    return { ...deps, state };
  });
}

const UNRELATED: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadReports',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports-archive/*',
    },
  ],
};

// ------------------------------------------------------------------------------------------------ tests

describe('remediate handler on moto: auto-apply of a role policy', () => {
  it('writes exactly the proven statement, audits before/after first, and a duplicate changes nothing', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    const event = eventOf(live, ROLE_CASE);
    const metricNames: string[] = [];
    const addMetric = jest.spyOn(powertools.metrics, 'addMetric').mockImplementation((name) => {
      metricNames.push(name);
      return powertools.metrics;
    });
    const correlationIds: unknown[] = [];
    const info = jest.spyOn(powertools.logger, 'info').mockImplementation(() => {
      correlationIds.push(powertools.logger.getCorrelationId());
    });

    const first = await invoke(event, 'novel event, auto-apply of a role policy (cold process)');
    info.mockRestore();
    const novelMetrics = metricNames.splice(0);

    expect(first).toMatchObject({
      auditId: event.detail.eventID,
      handling: 'recorded',
      verdict: 'missing-allow',
      decision: 'auto-apply',
      outcome: 'applied',
    });
    expect(novelMetrics).toEqual(
      expect.arrayContaining(['VerdictMissingAllow', 'DecisionAutoApply', 'Applied', 'AwsCalls']),
    );
    expect(correlationIds).toContain(event.detail.eventID);

    // The role's remediator policy holds exactly the proven statement.
    const written = await inlinePolicy(ROLE);
    expect(written?.Statement).toHaveLength(1);
    expect((written!.Statement as PolicyStatement[]).map(withoutSid)).toEqual(expectedStatements(live));

    // The audit record: before/after images, the proof, who acted; patches as JSON text; no TTL attribute.
    const item = await auditItem(event.detail.eventID);
    expect(item).toMatchObject({ outcome: 'applied', actor: 'access-remediator', verdict: 'missing-allow' });
    expect(typeof item?.patches).toBe('string');
    const [patch] = JSON.parse(String(item?.patches)) as Patch[];
    expect(patch?.before).toBeNull();
    expect(patch?.after).toEqual(written);
    expect(Object.keys(item ?? {})).not.toEqual(expect.arrayContaining(['expiresAt']));
    expect(Object.keys(item ?? {}).filter((k) => /ttl|expir/i.test(k))).toEqual([]);

    // The storm claim and the apply counter carry the TTL; nothing was proposed.
    const stormItems = await tableItems('StormTable');
    expect(stormItems.map((i) => i.kind).sort()).toEqual(['applies', 'storm']);
    for (const i of stormItems) expect(typeof i.expiresAt).toBe('number');
    expect(await receiveNotifications(stack)).toEqual([]);

    // The same event again (EventBridge delivers at least once): the stored answer, no change, no write.
    const second = await invoke(event, 'duplicate event (same eventID)');
    addMetric.mockRestore();
    expect(second).toEqual(first);
    expect(metricNames).toEqual(['Duplicate']);
    expect(await auditItem(event.detail.eventID)).toEqual(item);
    expect(await inlinePolicy(ROLE)).toEqual(written);
    const operations = Object.keys(callFigures['duplicate event (same eventID)']!.operations);
    expect(operations.every((op) => op.startsWith('dynamodb:'))).toBe(true);
    expect(operations.filter((op) => !/^dynamodb:(GetItem|PutItem)$/.test(op))).toEqual([]);
  });

  it('detects a change made to the target between analysis and write, and does not overwrite it', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    // Someone grants the missing permission in the remediator's policy meanwhile: the patch is no longer needed.
    const manual: PolicyDocument = {
      Version: '2012-10-17',
      Statement: expectedStatements(live).map((s) => ({ Sid: 'FixedByHand', ...s })),
    };
    const handler = raceAfterAnalysis(() => putInlinePolicy(ROLE, manual));
    const summary = await invoke(eventOf(live, ROLE_CASE), null, handler);
    expect(summary.outcome).toBe('conflict');
    expect(summary.outcomeReason).toContain('changed since the analysis');
    expect(await inlinePolicy(ROLE)).toEqual(manual);
    expect((await auditItem(summary.auditId))?.outcome).toBe('conflict');
  });

  it('re-bases the same change on a target that changed meanwhile, keeping the other change', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    const handler = raceAfterAnalysis(() => putInlinePolicy(ROLE, UNRELATED));
    const summary = await invoke(eventOf(live, ROLE_CASE), null, handler);
    expect(summary.outcome).toBe('applied');
    const written = await inlinePolicy(ROLE);
    const statements = written!.Statement as PolicyStatement[];
    expect(statements[0]).toEqual((UNRELATED.Statement as PolicyStatement[])[0]);
    expect(statements.slice(1).map(withoutSid)).toEqual(expectedStatements(live));
    const [patch] = JSON.parse(String((await auditItem(summary.auditId))?.patches)) as Patch[];
    expect(patch?.before).toEqual(UNRELATED);
  });

  it('restores the before-image when the write does not verify (a read-back that lies)', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    await putInlinePolicy(ROLE, UNRELATED);
    const handler = handlerWithDeps((deps) => {
      const written = new Set<string>();
      const key = (t: PatchTarget) => `${t.arn}#${t.policyName}`;
      const policies: PolicyStore = {
        async read(target) {
          // After the remediator's write, this store keeps answering with the document from before it.
          return written.has(key(target)) ? UNRELATED : deps.policies.read(target);
        },
        async write(target, document) {
          await deps.policies.write(target, document);
          written.add(key(target));
        },
        remove: (target) => deps.policies.remove(target),
      };
      return { ...deps, policies };
    });
    const summary = await invoke(eventOf(live, ROLE_CASE), null, handler);
    expect(summary.outcome).toBe('failed');
    expect(summary.outcomeReason).toContain('every before-image was restored');
    expect(await inlinePolicy(ROLE)).toEqual(UNRELATED);
    expect((await auditItem(summary.auditId))?.outcome).toBe('failed');
  });

  it('rollback (shared, on the AWS adapters) restores the before-image, and refuses when the target drifted', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    await putInlinePolicy(ROLE, UNRELATED);
    const applied = await invoke(eventOf(live, ROLE_CASE));
    expect(applied.outcome).toBe('applied');
    expect((await inlinePolicy(ROLE))?.Statement).toHaveLength(2);

    const deps = lambdaRemediationDeps(fn.runtime.adapters);
    const options = {
      actor: 'test:operator',
      verification: { initialDelayMs: 50, maxDelayMs: 200, deadlineMs: 2_000 },
    };
    const undone = await rollback(applied.auditId, deps, options);
    expect(undone.ok).toBe(true);
    expect(await inlinePolicy(ROLE)).toEqual(UNRELATED);
    const original = await auditItem(applied.auditId);
    expect(original?.outcome).toBe('rolled-back');
    expect(typeof original?.rolledBackBy).toBe('string');
    expect(await auditItem(String(original?.rolledBackBy))).toMatchObject({
      outcome: 'rolled-back',
      rollbackOf: applied.auditId,
      actor: 'test:operator',
    });

    // A day later the same failure is applied again; then someone edits the policy: rollback refuses, with a diff.
    const again = await invoke(
      eventOf(live, ROLE_CASE, { eventId: 'again-0000-0001', minutesLater: 24 * 60 }),
    );
    expect(again.outcome).toBe('applied');
    const edited = structuredClone(await inlinePolicy(ROLE))!;
    (edited.Statement as PolicyStatement[]).push({
      Sid: 'AddedByHand',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::reports-archive',
    });
    await putInlinePolicy(ROLE, edited);
    const refused = await rollback(again.auditId, deps, options);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.drift).toContain('AddedByHand');
    expect(await inlinePolicy(ROLE)).toEqual(edited);
    expect((await auditItem(again.auditId))?.outcome).toBe('applied');
  });
});

describe('the CLI on the deployed audit table', () => {
  it('audit list/show read the DynamoDB trail and rollback --table restores a live change', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    await putInlinePolicy(ROLE, UNRELATED);
    const applied = await invoke(eventOf(live, ROLE_CASE, { eventId: 'cli-rollback-0001' }));
    expect(applied.outcome).toBe('applied');
    const table = TABLE_NAMES.AuditTable!;

    const listed = runCli([
      'audit',
      'list',
      '--table',
      table,
      '--decision',
      'auto-apply',
      '--format',
      'json',
    ]);
    expect(listed.status).toBe(0);
    expect(listed.lines.map((record) => record.auditId)).toContain(applied.auditId);
    const shown = runCli(['audit', 'show', applied.auditId, '--table', table, '--format', 'json']);
    expect(shown.status).toBe(0);
    expect(shown.lines[0]).toMatchObject({ auditId: applied.auditId, outcome: 'applied' });

    const undone = runCli([
      'rollback',
      applied.auditId,
      '--table',
      table,
      '--actor',
      'test:cli',
      '--format',
      'json',
    ]);
    expect(undone.stderr).toBe('');
    expect(undone.status).toBe(0);
    expect(undone.lines[0]).toMatchObject({ ok: true, auditId: applied.auditId });
    expect(await inlinePolicy(ROLE)).toEqual(UNRELATED);
    expect((await auditItem(applied.auditId))?.outcome).toBe('rolled-back');
  });
});

describe('remediate handler on moto: proposals and key policies', () => {
  it('needs-approval: the proposal arrives through SNS in SQS, is recorded, and nothing changes', async () => {
    const live = await seedCase(seedClients, KEY_CASE);
    const keyArn = (live.expected.patches as Patch[])[0]!.target.arn;
    const before = await keyPolicy(keyArn);
    const event = eventOf(live, KEY_CASE);
    const summary = await invoke(event, 'novel event, needs-approval (proposal)');
    expect(summary).toMatchObject({
      verdict: 'missing-allow',
      decision: 'needs-approval',
      outcome: 'proposed',
    });
    expect(await keyPolicy(keyArn)).toEqual(before);

    const notifications = await receiveNotifications(stack);
    expect(notifications).toHaveLength(1);
    const envelope = notifications[0] as {
      Subject: string;
      Message: string;
      MessageAttributes: Record<string, { Value: string }>;
    };
    expect(envelope.Subject).toBe(`access-remediator proposal: missing-allow in ${ACCOUNT}`);
    expect(envelope.MessageAttributes.verdict?.Value).toBe('missing-allow');
    expect(envelope.MessageAttributes.decision?.Value).toBe('needs-approval');
    expect(envelope.MessageAttributes.account?.Value).toBe(ACCOUNT);
    const chat = JSON.parse(envelope.Message);
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: event.detail.eventID,
      content: { textType: 'client-markdown' },
    });
    expect(chat.content.title).toContain('missing-allow');
    expect(chat.content.description).toContain(`arn:aws:iam::${ACCOUNT}:user/bob`);
    expect(chat.content.description).toContain('kms:GenerateDataKey');
    expect(chat.content.nextSteps).toEqual(
      expect.arrayContaining([expect.stringContaining(`audit show ${event.detail.eventID}`)]),
    );
    expect(await tableItems('ProposalsTable')).toEqual([
      expect.objectContaining({ auditId: event.detail.eventID, status: 'pending', targets: [keyArn] }),
    ]);
    expect((await auditItem(event.detail.eventID))?.outcome).toBe('proposed');
  });

  it('counts a later event of the same failure on the first record (storm): one proposal, one message', async () => {
    const live = await seedCase(seedClients, KEY_CASE);
    const first = await invoke(eventOf(live, KEY_CASE));
    expect(first.outcome).toBe('proposed');
    const later = eventOf(live, KEY_CASE, { eventId: 'storm-0000-0002', minutesLater: 2 });
    const summary = await invoke(later, 'storm occurrence (same failure, new eventID, warm read cache)');
    expect(summary).toMatchObject({ handling: 'storm-occurrence', auditId: first.auditId, occurrences: 2 });
    expect(await auditItem('storm-0000-0002')).toBeUndefined();
    expect((await auditItem(first.auditId))?.occurrences).toBe(2);
    expect(await receiveNotifications(stack)).toHaveLength(1);
    expect(await tableItems('ProposalsTable')).toHaveLength(1);
    // Outside the window (a day later) the same failure is a storm of its own.
    const nextDay = eventOf(live, KEY_CASE, { eventId: 'storm-0000-0003', minutesLater: 24 * 60 });
    expect(await invoke(nextDay)).toMatchObject({ handling: 'recorded', outcome: 'proposed' });
  });

  it('auto-apply of a key policy (another configuration) appends exactly the proven statement', async () => {
    const runtime = runtimes.remediateRuntime({
      ...process.env,
      AUTO_APPLY_CONFIG: JSON.stringify({
        autoApply: [{ accounts: [ACCOUNT], targets: ['kms-key'], actions: ['kms:GenerateDataKey'] }],
      }),
    });
    const handler = fn.createRemediateHandler(runtime);
    const live = await seedCase(seedClients, KEY_CASE);
    const keyArn = (live.expected.patches as Patch[])[0]!.target.arn;
    const before = await keyPolicy(keyArn);
    const summary = (await handler(eventOf(live, KEY_CASE) as never, lambdaContext())) as RemediationSummary;
    expect(summary).toMatchObject({ decision: 'auto-apply', outcome: 'applied' });
    const after = await keyPolicy(keyArn);
    const statements = after.Statement as PolicyStatement[];
    expect(statements.slice(0, -1)).toEqual(before.Statement);
    expect(withoutSid(statements.at(-1)!)).toEqual(expectedStatements(live)[0]);
    expect(await receiveNotifications(stack)).toEqual([]);
  });
});

describe('remediate handler on moto: events it cannot read, and its edges', () => {
  it('records an event that fails the schema as an invalid event and succeeds (no retry loop)', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    const event = eventOf(live, ROLE_CASE, { eventId: 'broken-0000-0001' });
    delete event.detail.eventName;
    const summary = await invoke(event, 'event failing the schema (invalid-event)');
    expect(summary).toMatchObject({
      auditId: 'broken-0000-0001',
      handling: 'recorded',
      verdict: 'invalid-event',
      outcome: 'ignored',
    });
    expect(String((await auditItem('broken-0000-0001'))?.reason)).toContain('detail.eventName');
    expect(await inlinePolicy(ROLE)).toBeNull();
    // Redelivered: the audit record's conditional create finds it.
    expect((await invoke(event)).handling).toBe('duplicate');
    // Not even an object: recorded under a new id.
    expect(await invoke({ hello: 'world' })).toMatchObject({
      verdict: 'invalid-event',
      handling: 'recorded',
    });
  });

  it('fails the invocation when the audit trail cannot be written, so that the retry handles the event', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    const event = eventOf(live, ROLE_CASE);
    const broken = handlerWithDeps((deps) => ({
      ...deps,
      audit: {
        create: () => Promise.reject(new Error('throttled')),
        get: (auditId) => deps.audit.get(auditId),
        update: (auditId, change, expected) => deps.audit.update(auditId, change, expected),
        list: (filter) => deps.audit.list(filter),
      },
    }));
    await expect(invoke(event, null, broken)).rejects.toThrow(/throttled/);
    expect(await auditItem(event.detail.eventID)).toBeUndefined();
    expect(await inlinePolicy(ROLE)).toBeNull();
    // Lambda's retry of the same event: the idempotency record was released, so it is handled now.
    expect(await invoke(event)).toMatchObject({ handling: 'recorded', outcome: 'applied' });
  });

  it('marks every AWS request it makes with the access-remediator user agent', async () => {
    const live = await seedCase(seedClients, ROLE_CASE);
    const agents: string[] = [];
    const listen = (client: { middlewareStack: unknown }) =>
      (
        client.middlewareStack as {
          add(m: unknown, o: { step: string; name: string; override: boolean }): void;
        }
      ).add(
        (next: (args: unknown) => Promise<unknown>) =>
          (args: { request: { headers: Record<string, string> } }) => {
            agents.push(args.request.headers['user-agent'] ?? '');
            return next(args);
          },
        { step: 'finalizeRequest', name: 'testUserAgentListener', override: true },
      );
    const clients = fn.runtime.adapters.clients;
    const keyRegion = 'us-east-1';
    for (const client of [
      fn.runtime.adapters.dynamoDb,
      fn.runtime.adapters.sns,
      clients.sts(),
      await clients.iam(ACCOUNT),
      await clients.kms(ACCOUNT, keyRegion),
      await clients.s3(ACCOUNT, keyRegion),
      await clients.organizations(),
    ])
      listen(client);
    expect((await invoke(eventOf(live, ROLE_CASE))).outcome).toBe('applied');
    expect(agents.length).toBeGreaterThan(10);
    expect(agents.filter((agent) => !agent.includes('access-remediator'))).toEqual([]);
  });

  it('fails at cold start, naming the variable, when the environment lacks one', () => {
    expect(() => runtimes.remediateRuntime({ ...process.env, AUDIT_TABLE: undefined })).toThrow(
      /AUDIT_TABLE is not set/,
    );
    expect(() =>
      runtimes.remediateRuntime({ ...process.env, AUTO_APPLY_CONFIG: '{"autoApply":"all"}' }),
    ).toThrow(/AUTO_APPLY_CONFIG autoApply/);
  });
});
