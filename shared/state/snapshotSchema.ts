import { z } from 'zod';
import { isArnOf, isManagedPolicyArn } from '../arn/arn.ts';

/**
 * The account-state snapshot of contract/state.schema.json, as zod (validation happens at the edge only).
 * Strict about what the engine relies on, permissive inside AWS response shapes (extra members are kept).
 */
const accountId = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]+$/, 'must be an AWS region such as us-east-1');
const policy = z.union([
  z.looseObject({
    Version: z.string().optional(),
    Id: z.string().optional(),
    Statement: z.union([z.looseObject({}), z.array(z.looseObject({}))]),
  }),
  z.string().min(2),
]);
const managedPolicyArn = z.string().refine(isManagedPolicyArn, 'must be a policy ARN');
const inlinePolicy = z.looseObject({ PolicyName: z.string().min(1), PolicyDocument: policy });
const attachedPolicy = z.looseObject({ PolicyName: z.string().optional(), PolicyArn: managedPolicyArn });
const permissionsBoundary = z.looseObject({
  // The contract says "Policy"; get-account-authorization-details returns "PermissionsBoundaryPolicy": accept both.
  PermissionsBoundaryType: z.enum(['Policy', 'PermissionsBoundaryPolicy']).optional(),
  PermissionsBoundaryArn: managedPolicyArn,
});
const tag = z.looseObject({ Key: z.string(), Value: z.string() });

const user = z.looseObject({
  Path: z.string().optional(),
  UserName: z.string(),
  UserId: z.string().optional(),
  Arn: z
    .string()
    .refine((arn) => isArnOf(arn, 'iam', 'user/', { regional: false }), 'must be an IAM user ARN'),
  UserPolicyList: z.array(inlinePolicy).optional(),
  GroupList: z.array(z.string()).optional(),
  AttachedManagedPolicies: z.array(attachedPolicy).optional(),
  PermissionsBoundary: permissionsBoundary.optional(),
  Tags: z.array(tag).optional(),
});
const group = z.looseObject({
  Path: z.string().optional(),
  GroupName: z.string(),
  GroupId: z.string().optional(),
  Arn: z
    .string()
    .refine((arn) => isArnOf(arn, 'iam', 'group/', { regional: false }), 'must be an IAM group ARN'),
  GroupPolicyList: z.array(inlinePolicy).optional(),
  AttachedManagedPolicies: z.array(attachedPolicy).optional(),
});
const role = z.looseObject({
  Path: z.string().optional(),
  RoleName: z.string(),
  RoleId: z.string().optional(),
  Arn: z
    .string()
    .refine((arn) => isArnOf(arn, 'iam', 'role/', { regional: false }), 'must be an IAM role ARN'),
  AssumeRolePolicyDocument: policy.optional(),
  RolePolicyList: z.array(inlinePolicy).optional(),
  AttachedManagedPolicies: z.array(attachedPolicy).optional(),
  PermissionsBoundary: permissionsBoundary.optional(),
  Tags: z.array(tag).optional(),
});
const managedPolicy = z.looseObject({
  PolicyName: z.string(),
  PolicyId: z.string().optional(),
  Arn: managedPolicyArn,
  DefaultVersionId: z.string().optional(),
  PolicyVersionList: z
    .array(
      z.looseObject({ Document: policy, VersionId: z.string().optional(), IsDefaultVersion: z.boolean() }),
    )
    .min(1),
});

const kmsKey = z.looseObject({
  keyMetadata: z.looseObject({
    AWSAccountId: accountId.optional(),
    KeyId: z.string().min(1),
    Arn: z.string().refine((arn) => isArnOf(arn, 'kms', 'key/', { regional: true }), 'must be a KMS key ARN'),
    Enabled: z.boolean().optional(),
    KeyState: z.enum([
      'Creating',
      'Enabled',
      'Disabled',
      'PendingDeletion',
      'PendingImport',
      'PendingReplicaDeletion',
      'Unavailable',
      'Updating',
    ]),
    KeyManager: z.enum(['AWS', 'CUSTOMER']),
    KeyUsage: z.string().optional(),
    Origin: z.string().optional(),
    DeletionDate: z.string().optional(),
    MultiRegion: z.boolean().optional(),
  }),
  policy,
  aliases: z.array(
    z.looseObject({
      AliasName: z.string().regex(/^alias\//, 'must start with alias/'),
      AliasArn: z
        .string()
        .refine((arn) => isArnOf(arn, 'kms', 'alias/', { regional: true }), 'must be a KMS alias ARN')
        .optional(),
      TargetKeyId: z.string().optional(),
    }),
  ),
});

const bucket = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name'),
  region,
  policy: policy.nullable().optional(),
  encryption: z
    .looseObject({
      Rules: z
        .array(
          z.looseObject({
            ApplyServerSideEncryptionByDefault: z
              .looseObject({
                SSEAlgorithm: z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']),
                KMSMasterKeyID: z.string().min(1).optional(),
              })
              .optional(),
            BucketKeyEnabled: z.boolean().optional(),
          }),
        )
        .min(1),
    })
    .nullable()
    .optional(),
});

const vpcEndpoint = z.looseObject({
  VpcEndpointId: z.string().regex(/^vpce-[0-9a-f]{8,17}$/, 'must be a VPC endpoint id'),
  ServiceName: z.string().min(1),
  PolicyDocument: policy,
});

const account = z.looseObject({
  iam: z
    .looseObject({
      UserDetailList: z.array(user).optional(),
      GroupDetailList: z.array(group).optional(),
      RoleDetailList: z.array(role).optional(),
      Policies: z.array(managedPolicy).optional(),
    })
    .optional(),
  kms: z.array(kmsKey).optional(),
  s3: z.array(bucket).optional(),
  vpcEndpoints: z.array(vpcEndpoint).optional(),
});

const organization = z.looseObject({
  id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id'),
  rootId: z.string().regex(/^r-[0-9a-z]{4,32}$/, 'must be a root id'),
  accounts: z.record(
    accountId,
    z.looseObject({
      parents: z
        .array(
          z
            .string()
            .regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'must be an OU or root id'),
        )
        .min(1),
    }),
  ),
  policies: z.array(
    z.looseObject({
      id: z.string().regex(/^p-[0-9a-zA-Z_]{8,128}$/, 'must be a policy id'),
      name: z.string().min(1),
      type: z.enum(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']),
      targets: z.array(
        z
          .string()
          .regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[0-9]{12})$/, 'must be a target id'),
      ),
      document: policy,
    }),
  ),
  managementAccountId: accountId.optional(),
});

export const snapshotSchema = z.looseObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  organization: organization.optional(),
  accounts: z
    .record(accountId, account)
    .refine((accounts) => Object.keys(accounts).length > 0, 'must describe at least one account'),
});

export type Snapshot = z.infer<typeof snapshotSchema>;
export type SnapshotAccount = z.infer<typeof account>;
export type SnapshotRole = z.infer<typeof role>;
export type SnapshotUser = z.infer<typeof user>;
export type SnapshotGroup = z.infer<typeof group>;
export type SnapshotKey = z.infer<typeof kmsKey>;
export type SnapshotBucket = z.infer<typeof bucket>;
export type SnapshotManagedPolicy = z.infer<typeof managedPolicy>;
export type SnapshotOrganization = z.infer<typeof organization>;
export type SnapshotVpcEndpoint = z.infer<typeof vpcEndpoint>;
export type PolicyInput = z.infer<typeof policy>;
