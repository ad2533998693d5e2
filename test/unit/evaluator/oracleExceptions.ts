// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import type { ConditionBlock, PolicyDocument, PolicyStatement } from '../../../shared/policy/types.ts';
import { type ContextRecord, type GeneratedCase, MULTIVALUED_KEYS } from './arbitraries.ts';

/**
 * Where the oracle (@cloud-copilot/iam-simulate) is known to model AWS differently from the AWS documentation.
 *
 * Each exception names the statements that have the shape. When our evaluator and the oracle disagree on a
 * case, the differential test removes the statements that an exception names from the case (on both sides)
 * and compares again: the case counts as excepted only if the two then agree. A disagreement that survives
 * the removal, or that involves no excepted statement, stays a failure. So an exception can hide only the
 * effect of the statements it names, never the rest of the case.
 */
export interface StatementSite {
  kind: 'identity' | 'resource' | 'boundary' | 'session' | 'scp';
  document: PolicyDocument;
  statement: PolicyStatement;
}

/** What the oracle did with the request, beyond its decision. */
export interface OracleView {
  /** Lower-cased context keys the oracle dropped before evaluation (not valid for the action, it says). */
  ignoredContextKeys: readonly string[];
}

export interface OracleException {
  id: string;
  /** What iam-simulate does. */
  oracle: string;
  /** What AWS does, and where AWS says so. */
  aws: string;
  reference: string;
  appliesTo(site: StatementSite, testCase: GeneratedCase, view: OracleView): boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers over condition blocks

interface ConditionEntry {
  operator: string;
  /** Operator without set prefix and IfExists, lower-cased. */
  base: string;
  setPrefix: 'any' | 'all' | 'none';
  key: string;
  values: (string | number | boolean)[];
}

function conditionEntries(condition: ConditionBlock | undefined): ConditionEntry[] {
  const entries: ConditionEntry[] = [];
  if (condition === undefined) return entries;
  for (const [operator, keys] of Object.entries(condition)) {
    let base = operator.toLowerCase();
    let setPrefix: ConditionEntry['setPrefix'] = 'none';
    if (base.startsWith('foranyvalue:')) {
      setPrefix = 'any';
      base = base.slice('foranyvalue:'.length);
    } else if (base.startsWith('forallvalues:')) {
      setPrefix = 'all';
      base = base.slice('forallvalues:'.length);
    }
    if (base.endsWith('ifexists')) base = base.slice(0, -'ifexists'.length);
    for (const [key, value] of Object.entries(keys)) {
      entries.push({ operator, base, setPrefix, key, values: Array.isArray(value) ? value : [value] });
    }
  }
  return entries;
}

function requestValue(context: ContextRecord, key: string): string | string[] | undefined {
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(context)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-f:.]+$/i;
function looksLikeIpAddress(value: string): boolean {
  return IPV4.test(value) || (value.includes(':') && IPV6.test(value));
}

const EPOCH_SECONDS = /^-?\d+$/;

function stringsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** Context keys named by `${...}` variables in `text` that have no single value and no default. */
function unresolvedVariables(text: string, context: ContextRecord): string[] {
  const keys: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const body = match[1]!.trim();
    if (body === '*' || body === '?' || body === '$' || body.includes(',')) continue;
    if (typeof requestValue(context, body) !== 'string') keys.push(body);
  }
  return keys;
}

const NEGATED_STRING_OR_ARN = new Set([
  'stringnotequals',
  'stringnotlike',
  'stringnotequalsignorecase',
  'arnnotequals',
  'arnnotlike',
]);

function usesVariables(statement: PolicyStatement): boolean {
  const texts = [
    ...stringsOf(statement.Resource),
    ...stringsOf(statement.NotResource),
    ...conditionEntries(statement.Condition).flatMap((entry) => entry.values.map(String)),
  ];
  return texts.some((text) => text.includes('${'));
}

// ---------------------------------------------------------------------------------------------------------
// The exceptions

export const ORACLE_EXCEPTIONS: readonly OracleException[] = [
  {
    id: 'oracle-drops-kms-encryption-context-keys',
    oracle:
      'Drops kms:EncryptionContext:<context-key> from the request context before evaluation (it reports the ' +
      'key in ignoredContextKeys: its key list spells the key as kms:EncryptionContext:${EncryptionContextKey}, ' +
      'and its variable-key matching only understands keys with a "/"), so conditions on it see no key.',
    aws:
      'kms:EncryptionContext:context-key is a condition key of the cryptographic operations (Decrypt, Encrypt, ' +
      'GenerateDataKey*, ReEncrypt*): AWS KMS evaluates it against the encryption context of the request.',
    reference:
      'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context',
    appliesTo(site, _testCase, view) {
      return conditionEntries(site.statement.Condition).some((entry) => {
        const key = entry.key.toLowerCase();
        return key.startsWith('kms:encryptioncontext:') && view.ignoredContextKeys.includes(key);
      });
    },
  },
  {
    id: 'multivalued-key-without-set-operator',
    oracle:
      'A condition without ForAnyValue:/ForAllValues: on a key whose request value is a list never matches, ' +
      'not even with a negated operator (StringNotEquals and the like) — its comment cites a re:Inforce 2025 talk.',
    aws:
      'The IAM User Guide says multivalued context keys require a set operator and does not define the result ' +
      'without one. Our evaluator reads a positive operator as ForAnyValue and a negated one as "no request ' +
      'value matches"; neither reading is documented, so the shape is not compared.',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
    appliesTo(site, testCase) {
      return conditionEntries(site.statement.Condition).some(
        (entry) =>
          entry.setPrefix === 'none' &&
          entry.base !== 'null' &&
          MULTIVALUED_KEYS.has(entry.key.toLowerCase()) &&
          Array.isArray(requestValue(testCase.context, entry.key)),
      );
    },
  },
  {
    id: 'not-ip-address-on-non-ip-value',
    oracle:
      'NotIpAddress against a request value that is not an IP address (e.g. aws:SourceIp "s3.amazonaws.com", ' +
      'as CloudTrail records service-made calls) evaluates to false.',
    aws:
      'NotIpAddress is the negated matching of IpAddress, and negated matching "returns true only if all ' +
      'values evaluate to false" (logical NOR; IAM User Guide, Evaluation logic for negated matching condition ' +
      'operators, reference_policies_condition-logic-multiple-context-keys-or-values.html). A value that is no ' +
      'IP address lies in no range, so NotIpAddress holds.',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress',
    appliesTo(site, testCase) {
      return conditionEntries(site.statement.Condition).some((entry) => {
        if (entry.base !== 'notipaddress') return false;
        return stringsOf(requestValue(testCase.context, entry.key)).some(
          (value) => !looksLikeIpAddress(value),
        );
      });
    },
  },
  {
    id: 'date-epoch-compared-with-iso-date',
    oracle:
      'Parses an epoch value as seconds but an ISO 8601 value as milliseconds (Date.parse), so a Date* ' +
      'condition that compares an epoch policy value with an ISO request value (or the reverse) compares ' +
      'numbers of different units.',
    aws:
      'Date condition operators accept W3C ISO 8601 dates and epoch (UNIX) time; both denote an instant and ' +
      'are compared as instants.',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date',
    appliesTo(site, testCase) {
      return conditionEntries(site.statement.Condition).some((entry) => {
        if (!entry.base.startsWith('date')) return false;
        const requestEpoch = stringsOf(requestValue(testCase.context, entry.key)).map((value) =>
          EPOCH_SECONDS.test(value),
        );
        const policyEpoch = entry.values.map((value) => EPOCH_SECONDS.test(String(value)));
        return requestEpoch.some((epoch) => policyEpoch.some((other) => other !== epoch));
      });
    },
  },
  {
    id: 'policy-variables-without-version-2012-10-17',
    oracle: 'Substitutes ${...} policy variables in every policy, whatever its Version element says.',
    aws:
      'Policy variables exist only in policies with "Version": "2012-10-17"; without it (or with 2008-10-17) ' +
      '${aws:username} and the like are literal strings.',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-intro',
    appliesTo(site) {
      return site.document.Version !== '2012-10-17' && usesVariables(site.statement);
    },
  },
  {
    id: 'unresolved-policy-variable-in-negated-element',
    oracle:
      'A policy variable whose key the request lacks makes the whole NotResource element, and the whole value ' +
      'of a negated string/ARN condition (StringNotEquals, ArnNotLike...), fail: the statement never applies.',
    aws:
      '"Inverted condition operators like StringNotEquals or StringNotLike do match against a null value", and ' +
      '"if a variable that has no value ... is used as part of the Resource or NotResource element ..., the ' +
      'resource that includes a policy variable with no value will not match any resource" (so a NotResource ' +
      'entry with it excludes nothing).',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value',
    appliesTo(site, testCase) {
      const { statement } = site;
      if (site.document.Version !== '2012-10-17') return false;
      const inNotResource = stringsOf(statement.NotResource).some(
        (text) => unresolvedVariables(text, testCase.context).length > 0,
      );
      const inNegatedCondition = conditionEntries(statement.Condition).some(
        (entry) =>
          NEGATED_STRING_OR_ARN.has(entry.base) &&
          entry.values.some((value) => unresolvedVariables(String(value), testCase.context).length > 0),
      );
      return inNotResource || inNegatedCondition;
    },
  },
  {
    id: 'cidr-prefix-length-zero',
    oracle:
      'Builds the IPv4 netmask as -1 << (32 - prefix); JavaScript shifts by 32 as by 0, so "0.0.0.0/0" is ' +
      'treated as the single address 0.0.0.0.',
    aws: 'IP address condition values are CIDR blocks (RFC 4632); a /0 block contains every IPv4 address.',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress',
    appliesTo(site) {
      return conditionEntries(site.statement.Condition).some(
        (entry) =>
          (entry.base === 'ipaddress' || entry.base === 'notipaddress') &&
          entry.values.some((value) => /^[\d.]+\/0$/.test(String(value))),
      );
    },
  },
  {
    id: 'if-exists-ignored-with-for-any-value',
    oracle:
      'ForAnyValue:<operator>IfExists on a key the request lacks evaluates to false: IfExists is ignored.',
    aws:
      'IfExists can be added to any condition operator except Null: "If the key is not present, evaluate the ' +
      'condition element as true."',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists',
    appliesTo(site, testCase) {
      return conditionEntries(site.statement.Condition).some(
        (entry) =>
          entry.setPrefix === 'any' &&
          entry.operator.toLowerCase().endsWith('ifexists') &&
          requestValue(testCase.context, entry.key) === undefined,
      );
    },
  },
  {
    id: 'session-policy-limits-grant-to-session-arn',
    oracle:
      'An implicit deny in the session policy denies the request before the resource policy is looked at, ' +
      'even when the resource policy names the role-session ARN itself.',
    aws:
      'Within the same account, "resource-based policies that grant permissions to an IAM role session ARN ' +
      'grant permissions directly to the assumed role session. Permissions granted directly to a session are ' +
      'not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy."',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html',
    appliesTo(site, testCase) {
      const { caller } = testCase;
      if (site.kind !== 'resource' || site.statement.Effect !== 'Allow') return false;
      if (caller.sessionArn === null || testCase.sessionPolicy === null) return false;
      if (caller.accountId !== testCase.resourceAccount) return false;
      const principal = site.statement.Principal;
      return typeof principal === 'object' && stringsOf(principal.AWS).includes(caller.sessionArn);
    },
  },
  {
    id: 'wildcard-principal-grant-to-role-session-with-limits',
    oracle:
      'A same-account resource-policy Allow with Principal "*" ({"AWS": "*"}) or NotPrincipal counts as a ' +
      'grant to the role session itself, so an implicit deny in the permissions boundary does not apply.',
    aws:
      'The IAM User Guide defines the boundary / session-policy effect only for grants that name the role ARN ' +
      '(limited) or the role-session ARN (not limited); it does not say which a wildcard or NotPrincipal grant ' +
      'is. Our evaluator treats it like a role-ARN grant. Not compared until AWS behaviour is established.',
    reference:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html',
    appliesTo(site, testCase) {
      if (site.kind !== 'resource' || site.statement.Effect !== 'Allow') return false;
      const { caller } = testCase;
      if (caller.kind !== 'role' || caller.accountId !== testCase.resourceAccount) return false;
      if (testCase.permissionsBoundary === null && testCase.sessionPolicy === null) return false;
      const { Principal, NotPrincipal } = site.statement;
      if (NotPrincipal !== undefined) return true;
      if (Principal === '*') return true;
      if (Principal === undefined) return false;
      return stringsOf(Principal.AWS).includes('*');
    },
  },
];
