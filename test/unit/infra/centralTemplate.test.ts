import { join } from 'node:path';
import { readRemediateEnvironment } from '../../../shared/lambda/environment.ts';
import { ROOT } from '../../support/runCli.ts';
import { type CfnResource, readCfnTemplate, resourcesOfType } from './support/cfnYaml.ts';

/**
 * What template.yaml promises an operator, resource by resource: every function (the remediate function now, the
 * approval function later) bundled, observable and capped the same way; durable, encrypted state; an encrypted
 * topic the functions can use; an organization-only bus.
 */

const template = readCfnTemplate(join(ROOT, 'template.yaml'));
const globals = template.Globals?.Function ?? {};
const functions = resourcesOfType(template, 'AWS::Serverless::Function');
const resources = template.Resources;

function refOf(value: unknown): string | undefined {
  return (value as { Ref?: string } | undefined)?.Ref;
}

function getAttOf(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) ? String(getAtt[0]) : undefined;
}

function property(fn: CfnResource, name: string): unknown {
  return fn.Properties?.[name] ?? globals[name];
}

describe('template.yaml functions', () => {
  it('has the remediate function', () => {
    expect(functions.map(([id]) => id)).toContain('RemediateFunction');
  });

  it.each(functions)('%s is bundled by esbuild as minified ESM with source maps', (_, fn) => {
    expect(fn.Metadata?.BuildMethod).toBe('esbuild');
    expect(fn.Metadata?.BuildProperties).toMatchObject({ Format: 'esm', Minify: true, Sourcemap: true });
    const env = {
      ...(globals.Environment as { Variables?: object })?.Variables,
      ...(fn.Properties?.Environment as { Variables?: object })?.Variables,
    };
    expect(env).toMatchObject({ NODE_OPTIONS: '--enable-source-maps' });
  });

  it.each(functions)('%s runs on arm64 with a supported Node.js runtime', (_, fn) => {
    expect(property(fn, 'Architectures')).toEqual(['arm64']);
    const runtime = String(property(fn, 'Runtime'));
    expect(runtime).toMatch(/^nodejs\d+\.x$/);
    expect(Number(/\d+/.exec(runtime)![0])).toBeGreaterThanOrEqual(20);
    const target = String((fn.Metadata?.BuildProperties as { Target?: string } | undefined)?.Target);
    expect(target).toBe(`node${/\d+/.exec(runtime)![0]}`);
  });

  it.each(functions)('%s logs to its own log group with a retention', (_, fn) => {
    const logGroup = refOf((fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
    expect(logGroup).toBeDefined();
    expect(resources[logGroup!]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroup!]?.Properties?.RetentionInDays).toBeDefined();
  });

  it.each(functions)('%s has reserved concurrency', (_, fn) => {
    expect(property(fn, 'ReservedConcurrentExecutions')).toBeDefined();
  });

  it.each(functions)('%s sends what it cannot handle to an alarmed SQS queue', (_, fn) => {
    const onFailure = (
      fn.Properties?.EventInvokeConfig as {
        DestinationConfig?: { OnFailure?: { Type?: string; Destination?: unknown } };
      }
    )?.DestinationConfig?.OnFailure;
    expect(onFailure?.Type).toBe('SQS');
    const queue = getAttOf(onFailure?.Destination)!;
    expect(resources[queue]?.Type).toBe('AWS::SQS::Queue');
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties?.Dimensions).includes(`"${queue}"`),
    );
    expect(alarms.length).toBeGreaterThan(0);
  });
});

/**
 * A function's environment as Lambda would see it: `!Ref` of a parameter is its default (or a sample for the
 * parameters without one), of a resource a plausible physical id.
 */
function resolvedEnvironment(fn: CfnResource): Record<string, string> {
  const samples: Record<string, string> = { OrganizationId: 'o-a1b2c3d4e5' };
  const physicalId: Record<string, (id: string) => string> = {
    'AWS::SNS::Topic': (id) => `arn:aws:sns:us-east-1:111122223333:access-remediator-${id}-1A2B3C`,
    'AWS::DynamoDB::Table': (id) => `access-remediator-${id}-1A2B3C`,
  };
  const variables = {
    ...(globals.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
    ...(fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
  };
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const ref = refOf(value);
      if (!ref) throw new Error(`${name}: only literal values and !Ref are resolved here`);
      const parameter = template.Parameters?.[ref];
      if (parameter) return [name, String(parameter.Default ?? samples[ref])];
      const resource = resources[ref];
      const physical = resource && physicalId[resource.Type];
      if (!physical) throw new Error(`${name}: no sample for !Ref ${ref}`);
      return [name, physical(ref)];
    }),
  );
}

describe('template.yaml remediate function environment', () => {
  it('gives the function every setting it reads, valid with the parameter defaults', () => {
    const fn = resources.RemediateFunction!;
    expect(readRemediateEnvironment(resolvedEnvironment(fn))).toMatchObject({ ok: true });
  });
});

describe('template.yaml event delivery', () => {
  it('has rules on the organization bus and on the default bus, each with a dead-letter queue', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rules.map(([, rule]) => refOf(rule.Properties?.EventBusName) ?? 'default').sort()).toEqual([
      'OrganizationEventBus',
      'default',
    ]);
    for (const [, rule] of rules) {
      const targets = rule.Properties?.Targets as { DeadLetterConfig?: { Arn?: unknown } }[];
      for (const target of targets) expect(getAttOf(target.DeadLetterConfig?.Arn)).toBe('FailedEventsQueue');
    }
  });

  it('accepts events on the organization bus only from principals of the organization', () => {
    const policy = resources.OrganizationEventBus!.Properties!.Policy as {
      Statement: Record<string, unknown>[];
    };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
    });
  });
});

describe('template.yaml state', () => {
  const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');

  it('has the audit, proposals, storm and idempotency tables', () => {
    expect(tables.map(([id]) => id).sort()).toEqual([
      'AuditTable',
      'IdempotencyTable',
      'ProposalsTable',
      'StormTable',
    ]);
  });

  it.each(tables)(
    '%s has point-in-time recovery, deletion protection, encryption and is retained',
    (_, table) => {
      expect(table.Properties).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      });
      expect(table.DeletionPolicy).toBe('Retain');
    },
  );

  it('expires items only in the storm and idempotency tables', () => {
    const withTtl = tables.filter(([, table]) => table.Properties?.TimeToLiveSpecification !== undefined);
    expect(withTtl.map(([id]) => id).sort()).toEqual(['IdempotencyTable', 'StormTable']);
  });
});

describe('template.yaml notifications', () => {
  it('encrypts the topic with a customer managed key that every function role may use through SNS', () => {
    const topic = resources.NotificationsTopic!;
    const key = getAttOf(topic.Properties?.KmsMasterKeyId)!;
    expect(resources[key]?.Type).toBe('AWS::KMS::Key');
    const statements = (resources[key]!.Properties!.KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;
    for (const [, fn] of functions) {
      const role = getAttOf(fn.Properties?.Role);
      const grant = statements.find(
        (statement) => getAttOf((statement.Principal as { AWS?: unknown })?.AWS) === role,
      );
      expect(grant).toMatchObject({
        Effect: 'Allow',
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } } },
      });
    }
  });
});

describe('template.yaml parameters and outputs', () => {
  it('takes the organization, member role name, auto-apply configuration, approval e-mail and Slack secret', () => {
    expect(Object.keys(template.Parameters ?? {})).toEqual(
      expect.arrayContaining([
        'OrganizationId',
        'MemberRoleName',
        'AutoApplyConfig',
        'ApprovalEmail',
        'SlackSecretName',
      ]),
    );
  });

  it('outputs what the member StackSet and the operator need next', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'RemediateRoleArn',
        'OrganizationEventBusArn',
        'NotificationsTopicArn',
        'AuditTableName',
      ]),
    );
  });
});
