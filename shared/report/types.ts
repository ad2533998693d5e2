import type { PolicyDocument, PolicyStatement, PolicyType } from '../policy/types.ts';

/** The report line of contract/report.schema.json; extra top-level fields are allowed and kept small. */
export const VERDICTS = [
  'missing-allow',
  'explicit-deny',
  'guardrail',
  'aws-managed-key',
  'key-unavailable',
  'misconfiguration',
  'not-permission-error',
  'already-allowed',
  'undetermined',
  'invalid-event',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DECISIONS = ['auto-apply', 'needs-approval', 'escalate', 'ignore'] as const;
export type DecisionName = (typeof DECISIONS)[number];

export type KeyStateName =
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'Unavailable'
  | 'NotFound'
  | 'WrongRegion';

/** The report names the policy that denied by the evaluator's own kinds of policy. */
export type DeniedByType = PolicyType;

export interface DeniedBy {
  policyType: DeniedByType;
  policyId: string | null;
  sid: string | null;
  policyName?: string;
}

export type PatchTargetType = 'iam-role' | 'iam-user' | 'kms-key' | 's3-bucket';

export interface Patch {
  account: string;
  target: { type: PatchTargetType; arn: string };
  policyName: string | null;
  addStatements: PolicyStatement[];
  before: PolicyDocument | null;
  after: PolicyDocument;
}

export interface Proof {
  before: 'denied' | 'allowed';
  after: 'denied' | 'allowed';
  /** Evaluations of the failed request's permissions, before and after the patch. */
  evaluations: number;
  /** The sweep over other actions, resources and principals: nothing but the missing permissions is newly allowed. */
  sweep: {
    /** Requests around the patch that were checked. */
    requests: number;
    /** Full before/after evaluations run for those an added statement could affect. */
    evaluations: number;
    newlyAllowed: number;
    unintended: string[];
  };
}

export interface ReportLine {
  eventId: string | null;
  verdict: Verdict;
  decision: DecisionName;
  principal: string | null;
  request: { service: string; eventName: string; resource: string | null } | null;
  missing: { action: string; resource: string | null }[];
  deniedBy: DeniedBy | null;
  keyState: KeyStateName | null;
  finding: string | null;
  patches: Patch[];
  proof: Proof | null;
  reason: string;
  /** Where the record came from (file and line or index), for people reading a long report. */
  source?: string;
}
