import { organizationPolicyId } from '../arn/arn.ts';
/**
 * Reads the evidence in an AWS authorization-failure message (CloudTrail `errorCode` / `errorMessage`).
 *
 * The message corroborates a diagnosis; the verdict comes from evaluating policies. So the parser is
 * tolerant about how a message is written (case, quotes, SDK wrappers, trailing punctuation, AWS's own
 * typos) and strict about what it reports: a value it cannot read whole is null, never a guess.
 * It never throws, whatever it is given.
 */
import {
  isAuthorizationFailure,
  isKeyStateFailure,
  isVpceNetworkDenial,
  keyStateFromCode,
} from './errorCodes.ts';
import {
  isKeyReference,
  isKmsKeyArn,
  KEY_STATE_PHRASE,
  type KeyStateHint,
  keyStateFromPhrase,
} from './keyReference.ts';
import { type DeniedPolicyType, POLICY_TYPE_PHRASE, policyTypeFromPhrase } from './policyTypes.ts';

export { isAuthorizationFailure, isKeyStateFailure } from './errorCodes.ts';
export type { KeyStateHint } from './keyReference.ts';
export { type DeniedPolicyType, describePolicyType } from './policyTypes.ts';

/**
 * - `implicit` / `explicit`: "User: … is not authorized to perform: …" with "because no <type> policy
 *   allows …" / "with an explicit deny [in a <type> policy]". A complete message with neither phrase is
 *   the pre-2021 implicit form (AWS then marked only explicit denies) and reads as `implicit`.
 * - `bare`: S3's "Access Denied" without details (cross-account/org requests), or an authorization
 *   error code with no message at all.
 * - `ciphertext`: KMS's legacy "The ciphertext refers to a customer master key that does not exist, …
 *   or you are not allowed to access": a missing key and a missing permission look the same.
 * - `key-state` / `key-not-found`: the KMS key is disabled, pending deletion/import, unavailable,
 *   being created, or does not exist (also when only the error code says so).
 * - `vpce-network`: a CloudTrail network activity record of a VPC endpoint policy denial.
 * - `unrecognized`: there is an error, but its text is none of the above (fields that could still be
 *   read, such as principal, action and resource of a "not authorized" message, are kept).
 * - `none`: no error code and no message.
 */
export type DenialForm =
  | 'implicit'
  | 'explicit'
  | 'bare'
  | 'ciphertext'
  | 'key-state'
  | 'key-not-found'
  | 'vpce-network'
  | 'unrecognized'
  | 'none';

export interface DenialEvidence {
  form: DenialForm;
  /** The "User: <arn>" part, as written (S3 may write a non-ARN such as "anonymous"). */
  principalArn: string | null;
  /** The action the caller was refused, e.g. 'kms:Decrypt'. */
  action: string | null;
  /** What follows "on resource:" (quotes stripped); null for "on the resource associated with this ciphertext". */
  resource: string | null;
  /**
   * The policy type the message names. For a chained denial ("… in a VPC endpoint policy transitively
   * through a service control policy") this is the first type named; `transitiveVia` holds the second,
   * which AWS's troubleshooting guide treats as the policy that holds the Deny.
   */
  policyType: DeniedPolicyType | null;
  /** ": <ARN of the denying policy>" that newer messages append (SCP, RCP, boundary, session, identity). */
  policyArn: string | null;
  /** For an SCP/RCP ARN: its policy id (`p-…`). */
  policyId: string | null;
  transitiveVia: DeniedPolicyType | null;
  keyState: KeyStateHint | null;
  /** A KMS key ARN named by a key-state / not-found message, or the resource when it is a key ARN. */
  keyArn: string | null;
  /**
   * The key reference as a key message names it, when it is not (only) a key ARN: an alias ARN, alias
   * name or key id ("Alias arn:…:alias/x is not found."); equals `keyArn` when that is set.
   */
  keyRef: string | null;
  /**
   * The message reaches CloudTrail's 1 KB field limit, so its end may be cut off. Values that run into
   * the end of such a message are reported as null, because they may be incomplete.
   */
  possiblyTruncated: boolean;
}

/** CloudTrail keeps `errorMessage` to 1 KB; a message this long may have lost its end. */
const NEAR_CLOUDTRAIL_LIMIT_BYTES = 1000;
/** Inputs are cut to this before parsing so that no input, however large, costs more than a bounded scan. */
const MAX_PARSED_CHARS = 64 * 1024;

interface Input {
  code: string;
  text: string;
  possiblyTruncated: boolean;
}

export function parseDenialMessage(
  errorCode: string | null | undefined,
  errorMessage: string | null | undefined,
): DenialEvidence {
  const code = typeof errorCode === 'string' ? errorCode.trim() : '';
  const full = typeof errorMessage === 'string' ? errorMessage : '';
  const text = (full.length > MAX_PARSED_CHARS ? full.slice(0, MAX_PARSED_CHARS) : full).trim();
  const input: Input = { code, text, possiblyTruncated: reachesCloudTrailLimit(full) };
  if (code === '' && text === '') return evidence(input, 'none', {});
  return (
    parseVpceNetworkDenial(input) ??
    parseNotAuthorized(input) ??
    parseCiphertext(input) ??
    parseKeyMessage(input) ??
    parseBare(input) ??
    parseCodeAlone(input)
  );
}

function evidence(
  input: Input,
  form: DenialForm,
  fields: Partial<Omit<DenialEvidence, 'form'>>,
): DenialEvidence {
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
    possiblyTruncated: input.possiblyTruncated,
    ...fields,
  };
}

function reachesCloudTrailLimit(message: string): boolean {
  if (message.length >= NEAR_CLOUDTRAIL_LIMIT_BYTES) return true;
  let bytes = 0;
  for (let i = 0; i < message.length; i++) {
    const unit = message.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes >= NEAR_CLOUDTRAIL_LIMIT_BYTES;
}

// --- VPC endpoint network activity -------------------------------------------------------------

const VPCE_NETWORK_TEXT = /\bdenied\s+due\s+to\s+an?\s+vpc\s+endpoint\s+policy\b/i;

function parseVpceNetworkDenial(input: Input): DenialEvidence | null {
  if (!isVpceNetworkDenial(input.code) && !VPCE_NETWORK_TEXT.test(input.text)) return null;
  return evidence(input, 'vpce-network', { policyType: 'vpc-endpoint-policy' });
}

// --- "User: … is not authorized to perform: …" ---------------------------------------------------

const NOT_AUTHORIZED = /\bis\s+not\s+authorized\s+to\s+perform\b[ \t]*:?/i;
const ACTION_TOKEN = /\s*([^\s"']+)/y;
const IAM_ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const ON_CIPHERTEXT = /\s+on\s+the\s+resource\s+associated\s+with\s+this\s+ciphertext\b/iy;
const ON_RESOURCE = /\s+on\s+(resource\s*:?\s*)?/iy;
// A quote closes a quoted resource where the message's next part starts, or at its end; an S3 object
// key may itself hold quotes, so the first quote is only a fallback.
const QUOTED_RESOURCE_END: Record<string, RegExp> = {
  '"': /"(?=\s+(?:because|with)\b|[\s"'.,;]*$)/g,
  "'": /'(?=\s+(?:because|with)\b|[\s"'.,;]*$)/g,
};
const EXPLICIT = /\bwith\s+an?\s+explicit\s+deny\b/gi;
const IMPLICIT = new RegExp(
  `\\bbecause\\s+no\\s+(${POLICY_TYPE_PHRASE})(?:\\s+polic(?:y|ies))?\\s+allows?\\b`,
  'gi',
);
const EXPLICIT_IN_TYPE = new RegExp(
  `\\s+in\\s+(?:an?|the)\\s+(${POLICY_TYPE_PHRASE})(?:\\s+polic(?:y|ies))?\\b`,
  'iy',
);
const TRANSITIVE_TYPE = new RegExp(
  `\\s+transitively\\s+through\\s+(?:an?|the)\\s+(${POLICY_TYPE_PHRASE})(?:\\s+polic(?:y|ies))?\\b`,
  'iy',
);
const IMPLICIT_ACTION = /\s+the\s+[^\s"']+\s+action\b/iy;
const POLICY_ARN = /\s*:\s*["']?(arn:[^\s"']+)/y;
const ENCODED_MESSAGE_TRAILER = /encoded\s+authorization\s+failure\s+message\b[\s\S]*$/i;
const SDK_TRAILER = /\((?:service|sdk\s+attempt)\b[\s\S]*$/i;
const NOTHING_MORE = /^[\s"'.,;]*$/;

function parseNotAuthorized(input: Input): DenialEvidence | null {
  const { text, possiblyTruncated } = input;
  const notAuthorized = NOT_AUTHORIZED.exec(text);
  if (!notAuthorized) return null;
  const principalArn = principalBefore(text, notAuthorized.index);

  let position = notAuthorized.index + notAuthorized[0].length;
  ACTION_TOKEN.lastIndex = position;
  const actionMatch = ACTION_TOKEN.exec(text);
  let action: string | null = null;
  if (actionMatch) {
    position = ACTION_TOKEN.lastIndex;
    const token = (actionMatch[1] ?? '').replace(/[.,;:]+$/, '');
    const cut = possiblyTruncated && position >= text.length;
    action = !cut && IAM_ACTION.test(token) ? token : null;
  }

  let resource: string | null = null;
  let resourceCut = false;
  ON_CIPHERTEXT.lastIndex = position;
  ON_RESOURCE.lastIndex = position;
  if (ON_CIPHERTEXT.test(text)) {
    position = ON_CIPHERTEXT.lastIndex;
  } else {
    const on = ON_RESOURCE.exec(text);
    if (on) {
      const read = readResource(text, ON_RESOURCE.lastIndex, on[1] !== undefined, possiblyTruncated);
      if (read) {
        resource = read.value;
        resourceCut = read.cut;
        position = read.end;
      }
    }
  }

  const context = readContext(text, position, possiblyTruncated);
  let form: DenialForm = context.form;
  // No reason given: the pre-2021 implicit form, unless the end of the message may be missing.
  if (
    form === 'unrecognized' &&
    context.nothingMore &&
    action !== null &&
    !resourceCut &&
    !possiblyTruncated
  ) {
    form = 'implicit';
  }
  const keyArn = resource !== null && isKmsKeyArn(resource) ? resource : null;
  return evidence(input, form, {
    principalArn,
    action,
    resource,
    policyType: context.policyType,
    policyArn: context.policyArn,
    policyId: context.policyArn === null ? null : organizationPolicyId(context.policyArn),
    transitiveVia: context.transitiveVia,
    keyArn,
    keyRef: resource !== null && isKeyReference(resource) ? resource : null,
  });
}

/** The principal written after the last "User:" before "is not authorized"; null unless it is one token. */
function principalBefore(text: string, end: number): string | null {
  const head = text.slice(0, end);
  const label = head.toLowerCase().lastIndexOf('user:');
  if (label < 0) return null;
  const principal = head
    .slice(label + 'user:'.length)
    .trim()
    .replace(/^["']|["']$/g, '');
  return principal !== '' && !/\s/.test(principal) ? principal : null;
}

/**
 * Reads the resource starting at `start`: quoted (S3's enhanced messages quote it, and object keys may
 * hold spaces) or one token. Without the "resource:" label, only a quoted value or an ARN counts, so
 * that an unrelated "on …" is not taken for a resource.
 */
function readResource(
  text: string,
  start: number,
  labelled: boolean,
  possiblyTruncated: boolean,
): { value: string | null; end: number; cut: boolean } | null {
  const first = text[start] ?? '';
  const quoteEnd = QUOTED_RESOURCE_END[first];
  if (quoteEnd) {
    quoteEnd.lastIndex = start + 1;
    const close = quoteEnd.exec(text)?.index ?? text.indexOf(first, start + 1);
    // An unclosed quote means the message was cut inside the resource: nothing reliable to report.
    if (close < 0) return { value: null, end: text.length, cut: true };
    const value = text.slice(start + 1, close);
    return { value: value === '' ? null : value, end: close + 1, cut: false };
  }
  let end = start;
  while (end < text.length && !/\s/.test(text[end] ?? ' ')) end++;
  const value = text.slice(start, end).replace(/["'.,;]+$/, '');
  if (!labelled && !value.startsWith('arn:')) return null;
  const cut = possiblyTruncated && end >= text.length;
  return { value: value === '' || cut ? null : value, end, cut };
}

interface Context {
  form: DenialForm;
  policyType: DeniedPolicyType | null;
  transitiveVia: DeniedPolicyType | null;
  policyArn: string | null;
  /** Nothing but punctuation and SDK trailers follows the resource. */
  nothingMore: boolean;
}

function readContext(text: string, start: number, possiblyTruncated: boolean): Context {
  EXPLICIT.lastIndex = start;
  IMPLICIT.lastIndex = start;
  const explicit = EXPLICIT.exec(text);
  const implicit = IMPLICIT.exec(text);
  const none: Context = {
    form: 'unrecognized',
    policyType: null,
    transitiveVia: null,
    policyArn: null,
    nothingMore: false,
  };

  if (explicit && (!implicit || explicit.index <= implicit.index)) {
    let position = explicit.index + explicit[0].length;
    const context: Context = { ...none, form: 'explicit' };
    EXPLICIT_IN_TYPE.lastIndex = position;
    const inType = EXPLICIT_IN_TYPE.exec(text);
    if (inType) {
      position = EXPLICIT_IN_TYPE.lastIndex;
      context.policyType = policyTypeFromPhrase(inType[1] ?? '');
      TRANSITIVE_TYPE.lastIndex = position;
      const via = TRANSITIVE_TYPE.exec(text);
      if (via) {
        position = TRANSITIVE_TYPE.lastIndex;
        context.transitiveVia = policyTypeFromPhrase(via[1] ?? '');
      }
    }
    context.policyArn = readPolicyArn(text, position, possiblyTruncated);
    return context;
  }

  if (implicit) {
    let position = implicit.index + implicit[0].length;
    IMPLICIT_ACTION.lastIndex = position;
    if (IMPLICIT_ACTION.test(text)) position = IMPLICIT_ACTION.lastIndex;
    return {
      ...none,
      form: 'implicit',
      policyType: policyTypeFromPhrase(implicit[1] ?? ''),
      policyArn: readPolicyArn(text, position, possiblyTruncated),
    };
  }

  const tail = text.slice(start).replace(ENCODED_MESSAGE_TRAILER, '').replace(SDK_TRAILER, '');
  return { ...none, nothingMore: NOTHING_MORE.test(tail) };
}

/** ": arn:…" right after the context phrase; null when absent or when it may have been cut. */
function readPolicyArn(text: string, start: number, possiblyTruncated: boolean): string | null {
  POLICY_ARN.lastIndex = start;
  const match = POLICY_ARN.exec(text);
  if (!match) return null;
  const arn = (match[1] ?? '').replace(/[.,;)]+$/, '');
  if (possiblyTruncated && NOTHING_MORE.test(text.slice(POLICY_ARN.lastIndex))) return null;
  return arn.length > 'arn:'.length ? arn : null;
}

// --- KMS legacy ciphertext message ---------------------------------------------------------------

const CIPHERTEXT =
  /\bthe\s+ciphertext\s+refers\s+to\s+an?\s+(?:customer\s+master\s+key|cmk|(?:aws\s+)?kms\s+key|key)\b/i;

function parseCiphertext(input: Input): DenialEvidence | null {
  return CIPHERTEXT.test(input.text) ? evidence(input, 'ciphertext', {}) : null;
}

// --- KMS key state and missing keys --------------------------------------------------------------

const KEY_DOES_NOT_EXIST = /\bkey\s+(["']?)([^\s"']+)\1\s+does\s+not\s+exist\b/i;
const INVALID_KEY_ID = /\binvalid\s+keyid\s+(["']?)([^\s"']*)\1/i;
const ALIAS_NOT_FOUND = /\balias\s+(["']?)([^\s"']+)\1\s+is\s+not\s+found\b/i;
const KEY_STATE = new RegExp(`\\bis\\s+(${KEY_STATE_PHRASE})\\b`, 'gi');

function parseKeyMessage(input: Input): DenialEvidence | null {
  const { text, code } = input;
  const codeSaysKey = isKeyStateFailure(code);

  const doesNotExist = KEY_DOES_NOT_EXIST.exec(text);
  if (doesNotExist && (codeSaysKey || isKeyReference(doesNotExist[2] ?? ''))) {
    return keyEvidence(input, 'key-not-found', 'NotFound', doesNotExist[2] ?? '');
  }
  const invalidKeyId = INVALID_KEY_ID.exec(text);
  if (invalidKeyId) return keyEvidence(input, 'key-not-found', 'NotFound', invalidKeyId[2] ?? '');
  const aliasNotFound = ALIAS_NOT_FOUND.exec(text);
  if (aliasNotFound) return keyEvidence(input, 'key-not-found', 'NotFound', aliasNotFound[2] ?? '');

  KEY_STATE.lastIndex = 0;
  for (let match = KEY_STATE.exec(text); match !== null; match = KEY_STATE.exec(text)) {
    const subject = tokenBefore(text, match.index);
    if (codeSaysKey || isKeyReference(subject)) {
      return keyEvidence(input, 'key-state', keyStateFromPhrase(match[1] ?? ''), subject);
    }
  }
  return null;
}

/** The whitespace-delimited token that ends just before `end`, quotes stripped. */
function tokenBefore(text: string, end: number): string {
  let stop = end;
  while (stop > 0 && /\s/.test(text[stop - 1] ?? '')) stop--;
  let begin = stop;
  while (begin > 0 && !/\s/.test(text[begin - 1] ?? ' ')) begin--;
  return text.slice(begin, stop).replace(/^["']+|["']+$/g, '');
}

function keyEvidence(
  input: Input,
  form: 'key-state' | 'key-not-found',
  keyState: KeyStateHint | null,
  reference: string,
): DenialEvidence {
  const ref = reference.replace(/[.,;:]+$/, '');
  const known = isKeyReference(ref);
  return evidence(input, form, {
    keyState,
    keyArn: known && isKmsKeyArn(ref) ? ref : null,
    keyRef: known ? ref : null,
  });
}

// --- Bare "Access Denied" ------------------------------------------------------------------------

const CLI_WRAPPER =
  /\ban\s+error\s+occurred\s+\([^)]*\)\s+when\s+calling\s+the\s+\S+\s+operation(?:\s*\([^)]*\))?\s*:\s*/gi;
const GO_WRAPPER = /^api\s+error\s+\S+\s*:\s*/i;
const CODE_PREFIX = /^[A-Za-z][\w.]*(?:Exception|Denied|Error)\s*:\s*/;
const BARE = /^(?:access\s+denied|forbidden|403\s+forbidden)[.!]?$/i;

function parseBare(input: Input): DenialEvidence | null {
  return BARE.test(stripWrappers(input.text)) ? evidence(input, 'bare', {}) : null;
}

/** Removes what SDKs and the CLI put around a service message. */
function stripWrappers(text: string): string {
  let body = text;
  CLI_WRAPPER.lastIndex = 0;
  let lastEnd = -1;
  for (let match = CLI_WRAPPER.exec(body); match !== null; match = CLI_WRAPPER.exec(body)) {
    lastEnd = CLI_WRAPPER.lastIndex;
  }
  if (lastEnd >= 0) body = body.slice(lastEnd);
  return body.replace(GO_WRAPPER, '').replace(CODE_PREFIX, '').replace(SDK_TRAILER, '').trim();
}

// --- Nothing readable in the text ----------------------------------------------------------------

function parseCodeAlone(input: Input): DenialEvidence {
  if (isKeyStateFailure(input.code)) {
    const keyState = keyStateFromCode(input.code);
    return evidence(input, keyState === 'NotFound' ? 'key-not-found' : 'key-state', { keyState });
  }
  if (input.text === '' && isAuthorizationFailure(input.code)) return evidence(input, 'bare', {});
  return evidence(input, 'unrecognized', {});
}
