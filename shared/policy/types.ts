/** IAM policy grammar as AWS accepts it: single values or arrays, Principal as "*" or a map. */
export type OneOrMany<T> = T | T[];

export type PrincipalBlock = '*' | Record<string, OneOrMany<string>>;

/** Condition block: operator -> context key -> value(s). Values stay as written (string, number, boolean). */
export type ConditionBlock = Record<string, Record<string, OneOrMany<string | number | boolean>>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: PrincipalBlock;
  NotPrincipal?: PrincipalBlock;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: OneOrMany<PolicyStatement>;
}

/** The kinds of policy the evaluator knows; also the `deniedBy.policyType` vocabulary of the report. */
export type PolicyType =
  | 'identity'
  | 'key'
  | 'bucket'
  | 'permissions-boundary'
  | 'session-policy'
  | 'scp'
  | 'rcp'
  | 'vpc-endpoint-policy';

/** Where a policy document comes from, so a verdict can name it. */
export interface PolicyRef {
  type: PolicyType;
  /** ARN of a managed policy, key or bucket; SCP/RCP id; vpce id; owner ARN for an inline policy; null for session policies. */
  id: string | null;
  /** Inline policy name, or the display name of an SCP/RCP. */
  name: string | null;
}

export interface SourcedPolicy {
  ref: PolicyRef;
  document: PolicyDocument;
}
