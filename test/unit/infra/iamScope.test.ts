import { join } from 'node:path';
import { ROOT } from '../../support/runCli.ts';
import {
  type CfnResource,
  type CfnTemplate,
  parseCfnYaml,
  readCfnTemplate,
  resourcesOfType,
} from './support/cfnYaml.ts';
import { type Grant, roleStatements, scopeProblems, unreadablePolicies } from './support/policyScope.ts';
import {
  actionsOf,
  callsInSource,
  callsReachableFrom,
  type SdkCall,
  unknownActions,
} from './support/sdkCalls.ts';

/**
 * Every role of the templates allows only what its code calls, derived from the source (support/sdkCalls.ts):
 * a function's role the calls its entry point reaches with the function's own credentials, the member role the
 * calls made with the assumed member credentials, plus what the Lambda platform does with the role.
 */

/**
 * shared/aws/clients.ts hands out IAM, KMS, S3 and EC2 clients for the account that owns the resource, reached
 * through AssumeRole into the member role; the other clients run with the function's own credentials.
 */
const MEMBER_SERVICES = new Set(['iam', 'kms', 's3', 'ec2']);
const CENTRAL_SERVICES = new Set(['sts', 'organizations', 'sns', 'dynamodb', 'cloudtrail']);
/** Calls IAM authorizes without any policy. */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

const central = readCfnTemplate(join(ROOT, 'template.yaml'));
const member = readCfnTemplate(join(ROOT, 'infra/member-stackset.yaml'));

function serviceOf(action: string): string {
  return action.split(':')[0]!;
}

function getAttTarget(value: unknown): string | null {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) ? String(getAtt[0]) : null;
}

interface FunctionUnderTest {
  id: string;
  role: string;
  entry: string;
  calls: SdkCall[];
  platform: Grant[];
}

/** What the Lambda platform does with the function's role: logs, traces, the on-failure destination. */
function platformGrants(template: CfnTemplate, fn: CfnResource): Grant[] {
  const props = fn.Properties ?? {};
  const globals = template.Globals?.Function ?? {};
  const grants: Grant[] = [];
  const logGroup = (props.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
  if (logGroup) {
    const resources = [{ 'Fn::Sub': `\${${logGroup}.Arn}:log-stream:*` }];
    grants.push({ action: 'logs:CreateLogStream', resources }, { action: 'logs:PutLogEvents', resources });
  }
  if ((props.Tracing ?? globals.Tracing) === 'Active')
    grants.push({ action: 'xray:PutTraceSegments' }, { action: 'xray:PutTelemetryRecords' });
  const onFailure = (
    props.EventInvokeConfig as {
      DestinationConfig?: { OnFailure?: { Type?: string; Destination?: unknown } };
    }
  )?.DestinationConfig?.OnFailure;
  if (onFailure?.Type === 'SQS')
    grants.push({ action: 'sqs:SendMessage', resources: [onFailure.Destination] });
  return grants;
}

function functionsOf(template: CfnTemplate): FunctionUnderTest[] {
  return resourcesOfType(template, 'AWS::Serverless::Function').map(([id, fn]) => {
    const entries =
      (fn.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined)?.EntryPoints ?? [];
    if (entries.length !== 1) throw new Error(`${id}: expected exactly one esbuild entry point`);
    const role = getAttTarget(fn.Properties?.Role);
    if (!role) throw new Error(`${id}: Role must be !GetAtt <Role>.Arn`);
    return {
      id,
      role,
      entry: entries[0]!,
      calls: callsReachableFrom(join(ROOT, entries[0]!), ROOT).calls,
      platform: platformGrants(template, fn),
    };
  });
}

/** Reading the functions' code fails while an entry point is missing: reported by the first test, not at load. */
const loaded = (() => {
  try {
    return { functions: functionsOf(central), error: null };
  } catch (error) {
    return { functions: [] as FunctionUnderTest[], error: error as Error };
  }
})();
const functions = loaded.functions;
const centralRoles = roleStatements(central);
const memberRoles = roleStatements(member);
const allCalls = functions.flatMap((fn) => fn.calls);
const memberCalls = allCalls.filter((call) => MEMBER_SERVICES.has(serviceOf(call.action)));

function grantsFor(fn: FunctionUnderTest): Grant[] {
  const own = fn.calls.filter((call) => CENTRAL_SERVICES.has(serviceOf(call.action)));
  return [...own.map((call) => ({ action: call.action })), ...fn.platform];
}

const forwardingGrants: Grant[] = [
  { action: 'events:PutEvents', resources: [{ Ref: 'CentralEventBusArn' }] },
];

describe('the code the functions run', () => {
  it('has functions, each reaching AWS calls', () => {
    expect(loaded.error).toBeNull();
    expect(functions.map((fn) => fn.id)).toContain('RemediateFunction');
    for (const fn of functions) expect(fn.calls.length).toBeGreaterThan(0);
  });

  it('maps every SDK call to an action IAM knows', () => {
    expect(unknownActions(allCalls)).toEqual([]);
  });

  it('uses only services whose credentials this test knows (member role or function role)', () => {
    const services = [...new Set(allCalls.map((call) => serviceOf(call.action)))];
    expect(
      services.filter((service) => !MEMBER_SERVICES.has(service) && !CENTRAL_SERVICES.has(service)),
    ).toEqual([]);
  });
});

describe('template.yaml', () => {
  it('gives every function an explicit role whose policies this test can read', () => {
    expect(unreadablePolicies(central)).toEqual([]);
  });

  it('has no role other than the functions’ roles', () => {
    expect([...centralRoles.keys()].sort()).toEqual([...new Set(functions.map((fn) => fn.role))].sort());
  });

  it('lets each function role allow nothing its code does not call', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions)
      expect({ [fn.id]: scopeProblems(centralRoles.get(fn.role) ?? [], grantsFor(fn)) }).toEqual({
        [fn.id]: [],
      });
  });

  it('lets each function role make every call its code makes with it', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const allowed = new Set(
        (centralRoles.get(fn.role) ?? []).filter((s) => s.effect === 'Allow').flatMap((s) => s.actions),
      );
      const missing = grantsFor(fn)
        .map((grant) => grant.action)
        .filter((action) => !allowed.has(action) && !NEEDS_NO_PERMISSION.has(action));
      expect({ [fn.id]: [...new Set(missing)] }).toEqual({ [fn.id]: [] });
    }
  });
});

describe('infra/member-stackset.yaml', () => {
  it('has only the remediation role and the forwarding role', () => {
    expect([...memberRoles.keys()].sort()).toEqual(['ForwardingRole', 'RemediationRole']);
    expect(unreadablePolicies(member)).toEqual([]);
  });

  it('lets the remediation role do nothing the code does not call with it', () => {
    expect(memberCalls.length).toBeGreaterThan(0);
    const grants = memberCalls.map((call) => ({ action: call.action }));
    expect(scopeProblems(memberRoles.get('RemediationRole')!, grants)).toEqual([]);
  });

  it('lets the remediation role make every call the code makes with it', () => {
    expect(memberCalls.length).toBeGreaterThan(0);
    const allowed = new Set(
      memberRoles
        .get('RemediationRole')!
        .filter((s) => s.effect === 'Allow')
        .flatMap((s) => s.actions),
    );
    expect(
      [...new Set(memberCalls.map((call) => call.action))].filter((action) => !allowed.has(action)),
    ).toEqual([]);
  });

  it('lets the forwarding role only put events on the central bus', () => {
    expect(scopeProblems(memberRoles.get('ForwardingRole')!, forwardingGrants)).toEqual([]);
  });
});

describe('the scope check itself', () => {
  it('derives IAM actions from SDK imports, with the renamed operations', () => {
    const source = [
      "import { GetItemCommand } from '@aws-sdk/client-dynamodb';",
      "import { PutCommand, UpdateCommand as Update, QueryCommand, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';",
      "import { GetBucketPolicyCommand, GetBucketEncryptionCommand, HeadObjectCommand } from '@aws-sdk/client-s3';",
      "import { AssumeRoleCommand } from '@aws-sdk/client-sts';",
      "import { paginateListAliases, DescribeKeyCommand } from '@aws-sdk/client-kms';",
      "import type { GetRoleCommand } from '@aws-sdk/client-iam';",
    ].join('\n');
    expect(callsInSource(source, 'x.ts').map((call) => call.action)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      's3:GetBucketPolicy',
      's3:GetEncryptionConfiguration',
      's3:GetObject',
      'sts:AssumeRole',
      'kms:ListAliases',
      'kms:DescribeKey',
    ]);
  });

  it('catches an operation whose action has another name that the table does not know', () => {
    expect(unknownActions([{ action: 's3:GetBucketEncryption', from: '', file: '' }])).toEqual([
      's3:GetBucketEncryption',
    ]);
    expect(actionsOf('client-s3', 'GetBucketEncryption')).toEqual(['s3:GetEncryptionConfiguration']);
  });

  /** The real template with one more action in the remediate function's policy. */
  function centralWithExtraAction(action: string): CfnTemplate {
    const copy = structuredClone(central);
    const document = copy.Resources.RemediatePolicy!.Properties!.PolicyDocument as { Statement: unknown[] };
    document.Statement.push({ Effect: 'Allow', Action: action, Resource: '*' });
    return copy;
  }

  it.each(['dynamodb:Scan', 'iam:PassRole', 'kms:Decrypt'])(
    'fails a function role that also allows %s',
    (action) => {
      const fn = functions.find((candidate) => candidate.id === 'RemediateFunction');
      if (!fn) throw new Error('RemediateFunction could not be read (see the first test)');
      const problems = scopeProblems(
        roleStatements(centralWithExtraAction(action)).get(fn.role)!,
        grantsFor(fn),
      );
      expect(problems).toContainEqual(expect.stringContaining(`${action} is not called by the code`));
    },
  );

  it('fails a member role that also allows s3:PutObject', () => {
    const copy = structuredClone(member);
    const policies = copy.Resources.RemediationRole!.Properties!.Policies as {
      PolicyDocument: { Statement: unknown[] };
    }[];
    policies[0]!.PolicyDocument.Statement.push({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::*/*',
    });
    const problems = scopeProblems(
      roleStatements(copy).get('RemediationRole')!,
      memberCalls.map((call) => ({ action: call.action })),
    );
    expect(problems).toContainEqual(expect.stringContaining('s3:PutObject is not called by the code'));
  });

  it('fails wildcards, * on resource-level actions, ignored condition keys and the wrong resource', () => {
    const template = parseCfnYaml(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - { Effect: Allow, Action: 's3:Get*', Resource: '*' }
              - { Effect: Allow, Action: sns:Publish, Resource: '*' }
              - { Effect: Deny, Action: kms:PutKeyPolicy, Resource: '*', Condition: { Bool: { kms:BypassLockout: 'true' } } }
              - { Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt Other.Arn }
`);
    const problems = scopeProblems(roleStatements(template).get('Role')!, [
      { action: 'sns:Publish' },
      { action: 'sqs:SendMessage', resources: [{ 'Fn::GetAtt': ['Queue', 'Arn'] }] },
    ]);
    expect(problems).toEqual([
      'Role/p: uses a wildcard action',
      'Role/p: sns:Publish supports resource-level permissions but is allowed on *',
      'Role/p: kms:PutKeyPolicy ignores condition key kms:BypassLockout',
      expect.stringContaining('Role/p: sqs:SendMessage allowed on [{"Fn::GetAtt":["Other","Arn"]}]'),
    ]);
  });
});
