import type { RequestContext } from '../context.ts';

/**
 * One condition operator as written in policies (without `IfExists` or a set prefix). `matches` is always
 * the positive test; for a negated operator the caller inverts the result over all policy values (true when
 * none of them matches), which is how AWS defines the Not* operators.
 */
export interface BaseOperator {
  /** As written in policies, e.g. 'StringNotLike'. */
  name: string;
  /** True for the Not* operators and NotIpAddress. */
  negated: boolean;
  /** String* and Arn* operators substitute policy variables in policy values. */
  usesVariables: boolean;
  /**
   * Positive test of one request value against one policy value. `context` carries the request for policy
   * variable substitution; it is undefined when variables are off (policy without Version 2012-10-17), and
   * then `${...}` is literal text. Operators that take no variables ignore it.
   */
  matches(requestValue: string, policyValue: string, context: RequestContext | undefined): boolean;
}
