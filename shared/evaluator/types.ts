import type { PolicyRef, PolicyType, SourcedPolicy } from '../policy/types.ts';
import type { RequestContext } from './context.ts';

/** Who makes the request, in the forms that principals in resource policies can name. */
export interface CallerIdentity {
  /** The account the caller belongs to. */
  accountId: string;
  /** role, user, root (account), federated user, or an AWS service principal. */
  kind: 'role' | 'user' | 'root' | 'federated' | 'service';
  /** The IAM ARN: role ARN (with path) for a role session, user ARN, account root ARN, service principal name. */
  arn: string;
  /** The session ARN (assumed-role or federated-user), when the caller is a session. */
  sessionArn: string | null;
}

/** One authorization question: may this caller perform this action on this resource in this context? */
export interface AuthorizationRequest {
  caller: CallerIdentity;
  action: string;
  resource: string;
  /** Account that owns the resource (null for resource "*", e.g. kms:ListKeys). */
  resourceAccount: string | null;
  context: RequestContext;
}

/** The policies in force for one request, grouped as AWS groups them in its evaluation logic. */
export interface ApplicablePolicies {
  /** Identity-based policies of the caller (inline, managed, groups). Empty for callers without them. */
  identity: SourcedPolicy[];
  /** Resource-based policy of the target (key policy, bucket policy), or null when there is none. */
  resource: SourcedPolicy | null;
  /** Whether the resource is a KMS key: key policies must allow on their own (no implicit same-account pass). */
  resourceIsKmsKey: boolean;
  permissionsBoundary: SourcedPolicy | null;
  /** Session policies passed when the session was created; null when unknown or none. */
  sessionPolicies: SourcedPolicy[] | null;
  /** SCPs per level from the root down to the caller's account; null when SCPs do not apply. */
  scpLevels: SourcedPolicy[][] | null;
  /** RCPs per level from the root down to the resource's account; null when RCPs do not apply. */
  rcpLevels: SourcedPolicy[][] | null;
  /** VPC endpoint policy the request went through, or null. */
  vpcEndpoint: SourcedPolicy | null;
}

/** A statement that took part in a decision. */
export interface StatementRef {
  policy: PolicyRef;
  sid: string | null;
  index: number;
}

/** What one kind of policy said about the request. */
export interface LayerOutcome {
  type: PolicyType;
  allowedBy: StatementRef[];
  deniedBy: StatementRef[];
  /** For SCP/RCP: the levels (policy ids joined) that had no Allow. */
  levelsWithoutAllow?: string[];
}

/** How the resource policy names the caller in its Allow: directly (the ARN) or through the account (delegation). */
export type ResourceGrant = 'direct' | 'account' | 'none';

export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';

export interface AuthorizationResult {
  decision: Decision;
  /** Explicit Deny statements that matched, across all policy kinds. */
  explicitDenies: StatementRef[];
  /** Policy kinds whose missing Allow denied the request (empty when allowed or explicitly denied). */
  missingAllows: PolicyType[];
  /** How the resource policy allowed the caller. */
  resourceGrant: ResourceGrant;
  layers: LayerOutcome[];
  /** Context keys that policies referenced but the request did not carry (evidence of uncertainty). */
  unknownContextKeys: string[];
}
