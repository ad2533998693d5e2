import fc from 'fast-check';
import {
  type DenialEvidence,
  type DenialForm,
  type DeniedPolicyType,
  describePolicyType,
  isAuthorizationFailure,
  isKeyStateFailure,
  parseDenialMessage,
} from './parseDenialMessage.ts';

function evidence(form: DenialForm, fields: Partial<Omit<DenialEvidence, 'form'>> = {}): DenialEvidence {
  return {
    form,
    principalArn: null,
    action: null,
    resource: null,
    policyType: null,
    policyArn: null,
    policyId: null,
    transitiveVia: null,
    keyState: null,
    keyArn: null,
    keyRef: null,
    possiblyTruncated: false,
    ...fields,
  };
}

// Values from the seeds and the contract example, verbatim (KC-004 redacts the account as XXXXXXXX9645).
const EXAMPLE_ROLE_SESSION = 'arn:aws:sts::111122223333:assumed-role/app-writer/session';
const EXAMPLE_KEY = 'arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const KC004_USER = 'arn:aws:iam::XXXXXXXX9645:user/KMSDemO';
const KC004_KEY = 'arn:aws:kms:us-east-1:XXXXXXXX9645:key/64d3e826-1a87-4cbc-95b8-fb386730a07';
const KEY = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/r/s';
const JOHN = 'arn:aws:iam::123456789012:user/John';
const SCP_ARN = 'arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd';
const RCP_ARN = 'arn:aws:organizations::987654321098:policy/o-qv5af4abcd/resource_control_policy/p-7xk2abcd';
const CIPHERTEXT =
  'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';

interface Row {
  name: string;
  code: string | null | undefined;
  message: string | null | undefined;
  expected: DenialEvidence;
}

const seedRows: Row[] = [
  {
    name: 'contract example event: KMS GenerateDataKey, no identity-based policy',
    code: 'AccessDenied',
    message: `User: ${EXAMPLE_ROLE_SESSION} is not authorized to perform: kms:GenerateDataKey on resource: ${EXAMPLE_KEY} because no identity-based policy allows the kms:GenerateDataKey action`,
    expected: evidence('implicit', {
      principalArn: EXAMPLE_ROLE_SESSION,
      action: 'kms:GenerateDataKey',
      resource: EXAMPLE_KEY,
      policyType: 'identity',
      keyArn: EXAMPLE_KEY,
      keyRef: EXAMPLE_KEY,
    }),
  },
  {
    name: 'KC-004: explicit deny in a service control policy (with the stray closing quote of the article)',
    code: 'AccessDeniedException',
    message: `User: ${KC004_USER} is not authorized to perform: kms:Decrypt on resource: ${KC004_KEY} with an explicit deny in a service control policy"`,
    expected: evidence('explicit', {
      principalArn: KC004_USER,
      action: 'kms:Decrypt',
      resource: KC004_KEY,
      policyType: 'scp',
      keyArn: KC004_KEY,
      keyRef: KC004_KEY,
    }),
  },
  {
    name: 'KC-004: no permissions boundary allows',
    code: 'AccessDeniedException',
    message: `User: ${KC004_USER} is not authorized to perform: kms:Decrypt on resource: ${KC004_KEY} because no permissions boundary allows the kms:Decrypt action"`,
    expected: evidence('implicit', {
      principalArn: KC004_USER,
      action: 'kms:Decrypt',
      resource: KC004_KEY,
      policyType: 'permissions-boundary',
      keyArn: KC004_KEY,
      keyRef: KC004_KEY,
    }),
  },
  {
    name: 'KC-004: no VPC endpoint policy allows',
    code: 'AccessDeniedException',
    message: `User: ${KC004_USER} is not authorized to perform: kms:Decrypt on resource: ${KC004_KEY} because no VPC endpoint policy allows the kms:Decrypt action"`,
    expected: evidence('implicit', {
      principalArn: KC004_USER,
      action: 'kms:Decrypt',
      resource: KC004_KEY,
      policyType: 'vpc-endpoint-policy',
      keyArn: KC004_KEY,
      keyRef: KC004_KEY,
    }),
  },
  {
    name: 'aws-facts 1.8: KMS record, no resource-based policy (key policy)',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: kms:Decrypt on resource: ${KEY} because no resource-based policy allows the kms:Decrypt action`,
    expected: evidence('implicit', {
      principalArn: SESSION,
      action: 'kms:Decrypt',
      resource: KEY,
      policyType: 'resource',
      keyArn: KEY,
      keyRef: KEY,
    }),
  },
  {
    name: 'aws-facts 2: KMS Decrypt on the resource associated with this ciphertext',
    code: 'AccessDeniedException',
    message: `User: ${SESSION} is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action`,
    expected: evidence('implicit', { principalArn: SESSION, action: 'kms:Decrypt', policyType: 'identity' }),
  },
  {
    name: 'KC-000: CLI output for PutObject without kms:GenerateDataKey',
    code: 'AccessDenied',
    message: 'An error occurred (AccessDenied) when calling the PutObject operation: Access Denied',
    expected: evidence('bare'),
  },
  {
    name: 'KC-000: CLI output for CreateMultipartUpload',
    code: 'AccessDenied',
    message:
      'An error occurred (AccessDenied) when calling the CreateMultipartUpload operation: Access Denied',
    expected: evidence('bare'),
  },
  {
    name: 'KC-002 / KC-004: legacy ciphertext message from S3',
    code: 'AccessDenied',
    message: CIPHERTEXT,
    expected: evidence('ciphertext'),
  },
  {
    name: 'legacy ciphertext message from KMS itself',
    code: 'AccessDeniedException',
    message: CIPHERTEXT,
    expected: evidence('ciphertext'),
  },
  {
    name: 'legacy ciphertext message inside CLI output',
    code: 'AccessDenied',
    message: `An error occurred (AccessDenied) when calling the GetObject operation: ${CIPHERTEXT}`,
    expected: evidence('ciphertext'),
  },
  // The seeds quote these in Korean translation; AWS writes messages in English, so they read as unrecognized.
  {
    name: 'KC-000 Korean rendering of the CLI message',
    code: 'AccessDenied',
    message: '"PutObject 작업을 호출할 때 오류(AccessDenied) 발생: 액세스 거부됨"',
    expected: evidence('unrecognized'),
  },
  {
    name: 'KC-002 Korean rendering of the ciphertext message',
    code: 'AccessDenied',
    message:
      '사이퍼텍스트는 존재하지 않거나 이 리전에 존재하지 않거나 액세스가 허용되지 않은 고객 마스터 키를 나타냅니다.',
    expected: evidence('unrecognized'),
  },
];

// IAM "Troubleshoot access denied error messages" examples, one per policy type and kind of deny.
const iamGuideRows: Row[] = [
  {
    name: 'SCP implicit, no resource (the guide misspells the action in the reason)',
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::777788889999:user/John is not authorized to perform:\ncodecommit:ListRepositories because no service control policy allows the codecommit:ListRespositories action',
    expected: evidence('implicit', {
      principalArn: 'arn:aws:iam::777788889999:user/John',
      action: 'codecommit:ListRepositories',
      policyType: 'scp',
    }),
  },
  {
    name: 'SCP explicit, no resource',
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::777788889999:user/John is not authorized to perform: codecommit:ListRepositories with an explicit deny in a service control policy',
    expected: evidence('explicit', {
      principalArn: 'arn:aws:iam::777788889999:user/John',
      action: 'codecommit:ListRepositories',
      policyType: 'scp',
    }),
  },
  {
    name: 'RCP explicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource control policy`,
    expected: evidence('explicit', {
      principalArn: JOHN,
      action: 'secretsmanager:GetSecretValue',
      resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:*',
      policyType: 'rcp',
    }),
  },
  {
    name: 'RCP implicit (wording unverified, parsed like the others)',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no resource control policy allows the s3:GetObject action`,
    expected: evidence('implicit', {
      principalArn: JOHN,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'rcp',
    }),
  },
  {
    name: 'VPC endpoint policy implicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: codecommit:ListRepositories because no VPC endpoint policy allows the codecommit:ListRepositories action`,
    expected: evidence('implicit', {
      principalArn: JOHN,
      action: 'codecommit:ListRepositories',
      policyType: 'vpc-endpoint-policy',
    }),
  },
  {
    name: 'VPC endpoint policy explicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a VPC endpoint policy`,
    expected: evidence('explicit', {
      principalArn: JOHN,
      action: 'codedeploy:ListDeployments',
      resource: 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*',
      policyType: 'vpc-endpoint-policy',
    }),
  },
  {
    name: 'permissions boundary implicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments action`,
    expected: evidence('implicit', {
      principalArn: JOHN,
      action: 'codedeploy:ListDeployments',
      resource: 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*',
      policyType: 'permissions-boundary',
    }),
  },
  {
    name: 'permissions boundary explicit',
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::777788889999:user/John is not authorized to perform: sagemaker:ListModels with an explicit deny in a permissions boundary',
    expected: evidence('explicit', {
      principalArn: 'arn:aws:iam::777788889999:user/John',
      action: 'sagemaker:ListModels',
      policyType: 'permissions-boundary',
    }),
  },
  {
    name: 'session policy implicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: codecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action`,
    expected: evidence('implicit', {
      principalArn: JOHN,
      action: 'codecommit:ListRepositories',
      policyType: 'session-policy',
    }),
  },
  {
    name: 'session policy explicit, written "sessions policy" as in AWS\'s own example',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a sessions policy`,
    expected: evidence('explicit', {
      principalArn: JOHN,
      action: 'codedeploy:ListDeployments',
      resource: 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*',
      policyType: 'session-policy',
    }),
  },
  {
    name: 'resource-based policy implicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: secretsmanager:GetSecretValue because no resource-based policy allows the secretsmanager:GetSecretValue action`,
    expected: evidence('implicit', {
      principalArn: JOHN,
      action: 'secretsmanager:GetSecretValue',
      policyType: 'resource',
    }),
  },
  {
    name: 'resource-based policy explicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource-based policy`,
    expected: evidence('explicit', {
      principalArn: JOHN,
      action: 'secretsmanager:GetSecretValue',
      resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:*',
      policyType: 'resource',
    }),
  },
  {
    name: 'role trust policy implicit',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: sts:AssumeRole because no role trust policy allows the sts:AssumeRole action`,
    expected: evidence('implicit', {
      principalArn: JOHN,
      action: 'sts:AssumeRole',
      policyType: 'role-trust',
    }),
  },
  {
    name: 'role trust policy explicit ("in the role trust policy")',
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::777788889999:user/John is not authorized to perform: sts:AssumeRole with an explicit deny in the role trust policy',
    expected: evidence('explicit', {
      principalArn: 'arn:aws:iam::777788889999:user/John',
      action: 'sts:AssumeRole',
      policyType: 'role-trust',
    }),
  },
  {
    name: 'identity-based policy implicit',
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::123456789012:role/HR is not authorized to perform: codecommit:ListRepositories because no identity-based policy allows the codecommit:ListRepositories action',
    expected: evidence('implicit', {
      principalArn: 'arn:aws:iam::123456789012:role/HR',
      action: 'codecommit:ListRepositories',
      policyType: 'identity',
    }),
  },
  {
    name: 'identity-based policy explicit',
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::123456789012:role/HR is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an identity-based policy',
    expected: evidence('explicit', {
      principalArn: 'arn:aws:iam::123456789012:role/HR',
      action: 'codedeploy:ListDeployments',
      resource: 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*',
      policyType: 'identity',
    }),
  },
  {
    name: 'chained: VPC endpoint policy transitively through a service control policy (multi-line)',
    code: 'AccessDenied',
    message:
      'User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not authorized to perform:\nSNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2\nwith an explicit deny in a VPC endpoint policy transitively through a service control policy',
    expected: evidence('explicit', {
      principalArn: 'arn:aws:sts::111122223333:assumed-role/role-name/role-session-name',
      action: 'SNS:Publish',
      resource: 'arn:aws:sns:us-east-1:444455556666:role-name-2',
      policyType: 'vpc-endpoint-policy',
      transitiveVia: 'scp',
    }),
  },
];

const policyArnRows: Row[] = [
  {
    name: 'SCP with policy ARN, inside CLI output (AWS Security Blog example)',
    code: 'AccessDenied',
    message: `An error occurred (AccessDenied) when calling the ListRoles operation: User: arn:aws:iam::123456789012:user/Matt is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/* with an explicit deny in a service control policy: ${SCP_ARN}`,
    expected: evidence('explicit', {
      principalArn: 'arn:aws:iam::123456789012:user/Matt',
      action: 'iam:ListRoles',
      resource: 'arn:aws:iam::123456789012:role/*',
      policyType: 'scp',
      policyArn: SCP_ARN,
      policyId: 'p-2kgnabcd',
    }),
  },
  {
    name: 'RCP with policy ARN and a closing period',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a resource control policy: ${RCP_ARN}.`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'rcp',
      policyArn: RCP_ARN,
      policyId: 'p-7xk2abcd',
    }),
  },
  {
    name: 'AWS managed SCP ARN (no organization id, mixed-case policy id)',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: kms:Decrypt on resource: ${KEY} with an explicit deny in a service control policy: arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 'kms:Decrypt',
      resource: KEY,
      policyType: 'scp',
      policyArn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
      policyId: 'p-FullAWSAccess',
      keyArn: KEY,
      keyRef: KEY,
    }),
  },
  {
    name: 'permissions boundary with managed policy ARN',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: kms:GenerateDataKey on resource: ${KEY} with an explicit deny in a permissions boundary: arn:aws:iam::111122223333:policy/boundaries/DevBoundary`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 'kms:GenerateDataKey',
      resource: KEY,
      policyType: 'permissions-boundary',
      policyArn: 'arn:aws:iam::111122223333:policy/boundaries/DevBoundary',
      keyArn: KEY,
      keyRef: KEY,
    }),
  },
  {
    name: 'session policy with managed policy ARN',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a session policy: arn:aws:iam::111122223333:policy/SessionLimit`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'session-policy',
      policyArn: 'arn:aws:iam::111122223333:policy/SessionLimit',
    }),
  },
  {
    name: 'identity-based policy with ARN, quoted',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in an identity-based policy: "arn:aws:iam::111122223333:policy/DenyS3"`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'identity',
      policyArn: 'arn:aws:iam::111122223333:policy/DenyS3',
    }),
  },
  {
    name: 'chained with the SCP ARN at the end',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a VPC endpoint policy transitively through a service control policy: ${SCP_ARN}`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'vpc-endpoint-policy',
      transitiveVia: 'scp',
      policyArn: SCP_ARN,
      policyId: 'p-2kgnabcd',
    }),
  },
  {
    name: 'implicit with a policy ARN after the action (accepted if AWS ever writes it)',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no service control policy allows the s3:GetObject action: ${SCP_ARN}`,
    expected: evidence('implicit', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'scp',
      policyArn: SCP_ARN,
      policyId: 'p-2kgnabcd',
    }),
  },
];

const s3AndVariantRows: Row[] = [
  {
    name: 'S3 enhanced message quotes the resource',
    code: 'AccessDenied',
    message:
      'User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action',
    expected: evidence('implicit', {
      principalArn: 'arn:aws:sts::1:assumed-role/r/s',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'identity',
    }),
  },
  {
    name: 'S3 quoted object key with spaces and a quote inside',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/reports/Q3 "final" summary.csv" with an explicit deny in a resource-based policy`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::b/reports/Q3 "final" summary.csv',
      policyType: 'resource',
    }),
  },
  {
    name: 'S3 template without the "resource:" label',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on "arn:aws:s3:::b/k" because no resource-based policy allows the s3:GetObject action`,
    expected: evidence('implicit', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      policyType: 'resource',
    }),
  },
  {
    name: 'CloudFormation-wrapped S3 message with SDK trailer',
    code: 'AccessDenied',
    message:
      'Resource handler returned message: "User: arn:aws:iam::786944814826:user/sdt-deployer is not authorized to perform: s3:PutLifecycleConfiguration on resource: "arn:aws:s3:::sdt-bucket" because no identity-based policy allows the s3:PutLifecycleConfiguration action (Service: S3, Status Code: 403, Request ID: SMCKMFKT6ZG23WW7) (SDK Attempt Count: 1)"',
    expected: evidence('implicit', {
      principalArn: 'arn:aws:iam::786944814826:user/sdt-deployer',
      action: 's3:PutLifecycleConfiguration',
      resource: 'arn:aws:s3:::sdt-bucket',
      policyType: 'identity',
    }),
  },
  {
    name: 'EC2 style: leading sentence and encoded authorization message',
    code: 'Client.UnauthorizedOperation',
    message:
      'You are not authorized to perform this operation. User: arn:aws:sts::999888777666:assumed-role/ReadOnly/Tom is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:999888777666:instance/* with an explicit deny in a service control policy. Encoded authorization failure message: XQ_jqde5rHje6j9P-qke7',
    expected: evidence('explicit', {
      principalArn: 'arn:aws:sts::999888777666:assumed-role/ReadOnly/Tom',
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1:999888777666:instance/*',
      policyType: 'scp',
    }),
  },
  {
    name: 'case and spelling tolerance: upper case, "identity based", no space after "resource:"',
    code: 'accessdenied',
    message:
      'USER: arn:aws:iam::123456789012:user/mateojackson IS NOT AUTHORIZED TO PERFORM: s3:GetWidget ON RESOURCE:my-example-widget BECAUSE NO IDENTITY BASED POLICY ALLOWS THE s3:GetWidget ACTION.',
    expected: evidence('implicit', {
      principalArn: 'arn:aws:iam::123456789012:user/mateojackson',
      action: 's3:GetWidget',
      resource: 'my-example-widget',
      policyType: 'identity',
    }),
  },
  {
    name: '"permission boundary policy" variant',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: kms:Decrypt on resource: ${KEY} because no permission boundary policy allows the kms:Decrypt action`,
    expected: evidence('implicit', {
      principalArn: SESSION,
      action: 'kms:Decrypt',
      resource: KEY,
      policyType: 'permissions-boundary',
      keyArn: KEY,
      keyRef: KEY,
    }),
  },
  {
    name: 'pre-2021 explicit form: "with an explicit deny" without a policy type',
    code: 'AccessDenied',
    message: `User: ${JOHN} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/x with an explicit deny`,
    expected: evidence('explicit', {
      principalArn: JOHN,
      action: 'iam:CreateUser',
      resource: 'arn:aws:iam::123456789012:user/x',
    }),
  },
  {
    name: 'pre-2021 implicit form: no reason at all',
    code: 'AccessDeniedException',
    message: `User: ${SESSION} is not authorized to perform: kms:Decrypt on resource: ${KEY}.`,
    expected: evidence('implicit', {
      principalArn: SESSION,
      action: 'kms:Decrypt',
      resource: KEY,
      keyArn: KEY,
      keyRef: KEY,
    }),
  },
  {
    name: 'a reason that names no known policy type keeps what it can read',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k" because public ACLs are blocked by the BlockPublicAcls setting in S3 Block Public Access`,
    expected: evidence('unrecognized', {
      principalArn: SESSION,
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::b/k',
    }),
  },
  {
    name: 'an explicit deny in an unknown policy kind: explicit, type unknown',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in an access point policy`,
    expected: evidence('explicit', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
    }),
  },
  {
    name: 'a short message cut inside the quoted resource (copied by hand) is not taken for a complete one',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k`,
    expected: evidence('unrecognized', { principalArn: SESSION, action: 's3:GetObject' }),
  },
  {
    name: 'a short message cut inside the reason',
    code: 'AccessDenied',
    message: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-ba`,
    expected: evidence('unrecognized', {
      principalArn: SESSION,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
    }),
  },
  {
    name: 'resource is a KMS alias ARN: keyRef but no keyArn',
    code: 'AccessDeniedException',
    message: `User: ${SESSION} is not authorized to perform: kms:CreateAlias on resource: arn:aws:kms:us-west-2:111122223333:alias/app because no identity-based policy allows the kms:CreateAlias action`,
    expected: evidence('implicit', {
      principalArn: SESSION,
      action: 'kms:CreateAlias',
      resource: 'arn:aws:kms:us-west-2:111122223333:alias/app',
      policyType: 'identity',
      keyRef: 'arn:aws:kms:us-west-2:111122223333:alias/app',
    }),
  },
];

const bareAndCodeRows: Row[] = [
  {
    name: 'S3 bare Access Denied',
    code: 'AccessDenied',
    message: 'Access Denied',
    expected: evidence('bare'),
  },
  {
    name: 'bare with period, lower case',
    code: 'AccessDenied',
    message: 'access denied.',
    expected: evidence('bare'),
  },
  {
    name: 'bare from the Java SDK',
    code: 'AccessDenied',
    message:
      'Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 8A1B2C3D; S3 Extended Request ID: xyz=)',
    expected: evidence('bare'),
  },
  {
    name: 'bare from the Go SDK',
    code: 'AccessDenied',
    message: 'api error AccessDenied: Access Denied',
    expected: evidence('bare'),
  },
  {
    name: 'bare from the JS SDK',
    code: 'AccessDenied',
    message: 'AccessDenied: Access Denied',
    expected: evidence('bare'),
  },
  { name: 'HEAD 403 with no body', code: 'AccessDenied', message: 'Forbidden', expected: evidence('bare') },
  { name: 'authorization code, no message', code: 'AccessDenied', message: null, expected: evidence('bare') },
  {
    name: 'EC2 authorization code, empty message',
    code: 'Client.UnauthorizedOperation',
    message: '',
    expected: evidence('bare'),
  },
  {
    name: 'network activity event: VPC endpoint policy',
    code: 'VpceAccessDenied',
    message: 'The request was denied due to a VPC endpoint policy',
    expected: evidence('vpce-network', { policyType: 'vpc-endpoint-policy' }),
  },
  {
    name: 'network activity code without message',
    code: 'VpceAccessDenied',
    message: undefined,
    expected: evidence('vpce-network', { policyType: 'vpc-endpoint-policy' }),
  },
  {
    name: 'network activity text without code',
    code: null,
    message: 'The request was denied due to a VPC endpoint policy.',
    expected: evidence('vpce-network', { policyType: 'vpc-endpoint-policy' }),
  },
  { name: 'no error at all', code: null, message: null, expected: evidence('none') },
  { name: 'undefined and blank', code: undefined, message: '   ', expected: evidence('none') },
  { name: 'empty strings', code: '', message: '', expected: evidence('none') },
  {
    name: 'not a permission error: NoSuchKey',
    code: 'NoSuchKey',
    message: 'The specified key does not exist.',
    expected: evidence('unrecognized'),
  },
  {
    name: 'not a permission error: AllAccessDisabled',
    code: 'AllAccessDisabled',
    message: 'All access to this object has been disabled',
    expected: evidence('unrecognized'),
  },
  {
    name: '"You are not authorized" without the User: part',
    code: 'Client.UnauthorizedOperation',
    message: 'You are not authorized to perform this operation.',
    expected: evidence('unrecognized'),
  },
];

const keyRows: Row[] = [
  {
    name: 'DisabledException: key is disabled',
    code: 'DisabledException',
    message: `${KEY} is disabled.`,
    expected: evidence('key-state', { keyState: 'Disabled', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'DisabledException can also mean pending deletion',
    code: 'DisabledException',
    message: `${KEY} is pending deletion.`,
    expected: evidence('key-state', { keyState: 'PendingDeletion', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'S3 relays KMSInvalidStateException with its name in the message',
    code: 'KMS.KMSInvalidStateException',
    message: `KMS.KMSInvalidStateException: ${KEY} is pending deletion.`,
    expected: evidence('key-state', { keyState: 'PendingDeletion', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'pending replica deletion reads as pending deletion',
    code: 'KMSInvalidStateException',
    message:
      'arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab is pending replica deletion.',
    expected: evidence('key-state', {
      keyState: 'PendingDeletion',
      keyArn: 'arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
      keyRef: 'arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    }),
  },
  {
    name: 'pending import',
    code: 'KMSInvalidStateException',
    message: `${KEY} is pending import.`,
    expected: evidence('key-state', { keyState: 'PendingImport', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'unavailable (custom key store disconnected)',
    code: 'KMS.KMSInvalidStateException',
    message: `${KEY} is unavailable.`,
    expected: evidence('key-state', { keyState: 'Unavailable', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'creating (multi-Region replica), quoted, no period',
    code: 'KMSInvalidStateException',
    message: `'${KEY}' is creating`,
    expected: evidence('key-state', { keyState: 'Creating', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'key id instead of ARN',
    code: 'DisabledException',
    message: '1234abcd-12ab-34cd-56ef-1234567890ab is disabled.',
    expected: evidence('key-state', { keyState: 'Disabled', keyRef: '1234abcd-12ab-34cd-56ef-1234567890ab' }),
  },
  {
    name: 'key-state text recognised by the key reference alone, without a code',
    code: null,
    message: `${KEY} is disabled.`,
    expected: evidence('key-state', { keyState: 'Disabled', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: '"is not pending deletion" is not a key state',
    code: 'AccessDenied',
    message: `${KEY} is not pending deletion.`,
    expected: evidence('unrecognized'),
  },
  {
    name: '"is disabled" about something that is not a key, without a key code',
    code: 'InvalidRequest',
    message: 'Bucket versioning is disabled.',
    expected: evidence('unrecognized'),
  },
  {
    name: 'key-state code, message naming no key',
    code: 'KMS.DisabledException',
    message: 'The key is disabled.',
    expected: evidence('key-state', { keyState: 'Disabled' }),
  },
  {
    name: 'key-state code alone: KMSInvalidStateException says no definite state',
    code: 'KMS.KMSInvalidStateException',
    message: null,
    expected: evidence('key-state'),
  },
  {
    name: 'key-state code alone: DisabledException (disabled or pending deletion)',
    code: 'DisabledException',
    message: '',
    expected: evidence('key-state'),
  },
  {
    name: 'not-found code alone',
    code: 'KMS.NotFoundException',
    message: null,
    expected: evidence('key-not-found', { keyState: 'NotFound' }),
  },
  {
    name: "DescribeKey: Key '<arn>' does not exist",
    code: 'NotFoundException',
    message: `Key '${KEY}' does not exist`,
    expected: evidence('key-not-found', { keyState: 'NotFound', keyArn: KEY, keyRef: KEY }),
  },
  {
    name: 'Invalid keyId with an alias name',
    code: 'KMS.NotFoundException',
    message: 'Invalid keyId alias/app-data',
    expected: evidence('key-not-found', { keyState: 'NotFound', keyRef: 'alias/app-data' }),
  },
  {
    name: 'Invalid keyId with something that is no key reference',
    code: 'NotFoundException',
    message: "Invalid keyId 'not a key'",
    expected: evidence('key-not-found', { keyState: 'NotFound' }),
  },
  {
    name: 'Alias ARN is not found',
    code: 'NotFoundException',
    message: 'Alias arn:aws:kms:us-west-2:111122223333:alias/app is not found.',
    expected: evidence('key-not-found', {
      keyState: 'NotFound',
      keyRef: 'arn:aws:kms:us-west-2:111122223333:alias/app',
    }),
  },
  {
    name: 'key-state code with a text we cannot read',
    code: 'NotFoundException',
    message: 'something else entirely',
    expected: evidence('key-not-found', { keyState: 'NotFound' }),
  },
];

describe('parseDenialMessage', () => {
  describe.each([
    ['seed and reference messages', seedRows],
    ['IAM guide examples', iamGuideRows],
    ['policy ARNs', policyArnRows],
    ['S3 and variants', s3AndVariantRows],
    ['bare, network and code-only', bareAndCodeRows],
    ['KMS key state and missing keys', keyRows],
  ])('%s', (_group, rows) => {
    it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
      expect(parseDenialMessage(row.code, row.message)).toEqual(row.expected);
    });
  });
});

// --- Truncation: CloudTrail keeps errorMessage to 1 KB --------------------------------------------

const LONG_KEY = `arn:aws:s3:::b/${'k'.repeat(950)}`;
const LONG_S3_MESSAGE = `User: ${SESSION} is not authorized to perform: s3:PutObject on resource: "${LONG_KEY}" with an explicit deny in a service control policy: ${SCP_ARN}`;
const LONG_PRINCIPAL = `arn:aws:iam::111122223333:user/${'team/'.repeat(180)}alice`;
const LONG_KMS_MESSAGE = `User: ${LONG_PRINCIPAL} is not authorized to perform: kms:Decrypt on resource: ${KEY} with an explicit deny in a permissions boundary: arn:aws:iam::111122223333:policy/Boundary`;

describe('parseDenialMessage on messages cut at the CloudTrail limit', () => {
  it('drops a quoted resource cut in the middle and does not guess the form', () => {
    expect(LONG_S3_MESSAGE.indexOf(LONG_KEY) + LONG_KEY.length).toBeGreaterThan(1024);
    expect(parseDenialMessage('AccessDenied', LONG_S3_MESSAGE.slice(0, 1024))).toEqual(
      evidence('unrecognized', { principalArn: SESSION, action: 's3:PutObject', possiblyTruncated: true }),
    );
  });

  it('drops a policy ARN that runs into the cut but keeps the policy type', () => {
    const cut = LONG_KMS_MESSAGE.slice(0, LONG_KMS_MESSAGE.length - 3);
    expect(cut.length).toBeGreaterThanOrEqual(1000);
    expect(parseDenialMessage('AccessDenied', cut)).toEqual(
      evidence('explicit', {
        principalArn: LONG_PRINCIPAL,
        action: 'kms:Decrypt',
        resource: KEY,
        policyType: 'permissions-boundary',
        keyArn: KEY,
        keyRef: KEY,
        possiblyTruncated: true,
      }),
    );
  });

  it('drops an unquoted resource that runs into the cut', () => {
    const cut = LONG_KMS_MESSAGE.slice(0, LONG_KMS_MESSAGE.indexOf(KEY) + 30);
    expect(cut.length).toBeGreaterThanOrEqual(1000);
    expect(parseDenialMessage('AccessDenied', cut)).toEqual(
      evidence('unrecognized', {
        principalArn: LONG_PRINCIPAL,
        action: 'kms:Decrypt',
        possiblyTruncated: true,
      }),
    );
  });

  it('counts UTF-8 bytes, not characters, towards the limit', () => {
    const message = `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/${'é'.repeat(450)}"`;
    expect(message.length).toBeLessThan(1000);
    expect(parseDenialMessage('AccessDenied', message).possiblyTruncated).toBe(true);
    expect(parseDenialMessage('AccessDenied', message).form).toBe('unrecognized');
  });

  const truths: [string, string, Partial<DenialEvidence>][] = [
    [
      'S3 message',
      LONG_S3_MESSAGE,
      {
        principalArn: SESSION,
        action: 's3:PutObject',
        resource: LONG_KEY,
        policyType: 'scp',
        policyArn: SCP_ARN,
        policyId: 'p-2kgnabcd',
        keyArn: null,
      },
    ],
    [
      'KMS message',
      LONG_KMS_MESSAGE,
      {
        principalArn: LONG_PRINCIPAL,
        action: 'kms:Decrypt',
        resource: KEY,
        policyType: 'permissions-boundary',
        policyArn: 'arn:aws:iam::111122223333:policy/Boundary',
        policyId: null,
        keyArn: KEY,
      },
    ],
  ];

  it.each(truths)(
    'never reports a partial value, wherever the %s is cut past 1000 bytes',
    (_name, message, truth) => {
      for (let length = 1000; length <= message.length; length++) {
        const cut = parseDenialMessage('AccessDenied', message.slice(0, length));
        expect(cut.possiblyTruncated).toBe(true);
        for (const field of [
          'principalArn',
          'action',
          'resource',
          'policyType',
          'policyArn',
          'policyId',
          'keyArn',
        ] as const) {
          if (cut[field] !== null) expect([length, field, cut[field]]).toEqual([length, field, truth[field]]);
        }
        expect(['explicit', 'unrecognized']).toContain(cut.form);
      }
    },
  );
});

// --- Robustness ------------------------------------------------------------------------------------

const FORMS: DenialForm[] = [
  'implicit',
  'explicit',
  'bare',
  'ciphertext',
  'key-state',
  'key-not-found',
  'vpce-network',
  'unrecognized',
  'none',
];

const FRAGMENTS = [
  'User: ',
  'arn:aws:sts::1:assumed-role/r/s',
  ' is not authorized to perform: ',
  's3:GetObject',
  ' on resource: ',
  ' on the resource associated with this ciphertext',
  '"',
  "'",
  ' because no ',
  'identity-based policy allows the ',
  ' action',
  ' with an explicit deny in a ',
  'service control policy',
  ' transitively through a ',
  ': ',
  SCP_ARN,
  KEY,
  ' is disabled.',
  ' is pending deletion',
  "Key '",
  "' does not exist",
  'Invalid keyId ',
  'Alias ',
  ' is not found.',
  'Access Denied',
  'An error occurred (AccessDenied) when calling the GetObject operation: ',
  CIPHERTEXT,
  '(Service: S3)',
  '\n',
  ' ',
];

function expectWellFormed(result: DenialEvidence): void {
  expect(FORMS).toContain(result.form);
  for (const value of [
    result.principalArn,
    result.action,
    result.resource,
    result.policyArn,
    result.keyArn,
  ]) {
    expect(value === null || (typeof value === 'string' && value.length > 0)).toBe(true);
  }
}

describe('parseDenialMessage robustness', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string()),
        fc.option(fc.string({ unit: 'binary', maxLength: 2000 })),
        (code, message) => {
          expectWellFormed(parseDenialMessage(code, message));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on messages spliced from real fragments and noise', () => {
    const piece = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(
        fc.constantFrom('AccessDenied', 'KMS.DisabledException', 'NotFoundException', 'VpceAccessDenied', ''),
        fc.array(piece, { maxLength: 40 }),
        (code, pieces) => {
          expectWellFormed(parseDenialMessage(code, pieces.join('')));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on values that are not strings', () => {
    const odd = [123, {}, [], true, Symbol('x'), () => 'x'] as unknown as string[];
    for (const value of odd) {
      expect(parseDenialMessage(value, value).form).toBe('none');
    }
  });

  it.each([
    ['whitespace', ' '.repeat(1_000_000)],
    ['repeated phrase', ' is not authorized to perform'.repeat(20_000)],
    ['repeated reasons', ' because no identity-based policy allows'.repeat(20_000)],
    ['one long token', 'x'.repeat(1_000_000)],
    ['repeated key-state words', ' is disabled'.repeat(50_000)],
    ['quotes', '"'.repeat(500_000)],
    ['CLI wrappers', 'An error occurred (AccessDenied) when calling the X operation: '.repeat(10_000)],
  ])('stays fast on adversarial input: %s', (_name, message) => {
    const started = performance.now();
    expectWellFormed(parseDenialMessage('AccessDenied', `User: ${SESSION}${message}`));
    expectWellFormed(parseDenialMessage('AccessDenied', message));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

// --- Error codes and phrases -----------------------------------------------------------------------

describe('isAuthorizationFailure', () => {
  it.each([
    ['AccessDenied', true],
    ['AccessDeniedException', true],
    ['Client.UnauthorizedOperation', true],
    ['UnauthorizedOperation', true],
    ['VpceAccessDenied', true],
    ['KMS.AccessDeniedException', true],
    [' accessdenied ', true],
    ['KMS.DisabledException', false],
    ['KMS.KMSInvalidStateException', false],
    ['KMS.NotFoundException', false],
    ['NotFoundException', false],
    ['InvalidAccessKeyId', false],
    ['SignatureDoesNotMatch', false],
    ['ExpiredToken', false],
    ['AllAccessDisabled', false],
    ['NoSuchKey', false],
    ['AccessDeniedSomething', false],
    ['', false],
    [null, false],
    [undefined, false],
  ])('%s -> %s', (code, expected) => {
    expect(isAuthorizationFailure(code)).toBe(expected);
  });
});

describe('isKeyStateFailure', () => {
  it.each([
    ['KMS.DisabledException', undefined, true],
    ['KMS.KMSInvalidStateException', undefined, true],
    ['KMS.NotFoundException', undefined, true],
    ['KMS.NotFoundException', 's3.amazonaws.com', true],
    ['DisabledException', undefined, true],
    ['KMSInvalidStateException', 'kms.amazonaws.com', true],
    ['NotFoundException', 'kms.amazonaws.com', true],
    ['NotFoundException', 'lambda.amazonaws.com', false],
    ['kms.disabledexception', null, true],
    ['KMS.AccessDeniedException', undefined, false],
    ['KMS.KeyUnavailableException', undefined, false],
    ['AccessDenied', undefined, false],
    ['', undefined, false],
    [null, undefined, false],
  ])('%s from %s -> %s', (code, source, expected) => {
    expect(isKeyStateFailure(code, source)).toBe(expected);
  });
});

describe('describePolicyType', () => {
  it.each<[DeniedPolicyType, string]>([
    ['identity', 'identity-based policy'],
    ['resource', 'resource-based policy'],
    ['permissions-boundary', 'permissions boundary'],
    ['session-policy', 'session policy'],
    ['scp', 'service control policy'],
    ['rcp', 'resource control policy'],
    ['vpc-endpoint-policy', 'VPC endpoint policy'],
    ['role-trust', 'role trust policy'],
  ])('%s -> %s', (type, phrase) => {
    expect(describePolicyType(type)).toBe(phrase);
  });
});
