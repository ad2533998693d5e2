import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { referenceAction } from './iamReference.ts';

/**
 * Which AWS API calls the code makes, read from its source: every `<Operation>Command` and `paginate<Operation>`
 * imported from an `@aws-sdk/*` package by a file the entry point reaches through relative imports, mapped to the
 * IAM action that authorizes it. Libraries that call AWS themselves are scanned the same way (LIBRARY_SOURCES).
 */

export interface SdkCall {
  /** The IAM action, `service:Action`. */
  action: string;
  /** The SDK package and operation it came from, for messages. */
  from: string;
  file: string;
}

/** The IAM service prefix of each SDK package (client-<name> is <name> unless listed). */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  'lib-dynamodb': 'dynamodb',
  'client-eventbridge': 'events',
  'client-secrets-manager': 'secretsmanager',
  'client-cloudwatch-logs': 'logs',
};

/** Operations whose IAM action has another name. */
const ACTION_OF_OPERATION: Record<string, Record<string, string[]>> = {
  // The DocumentClient's commands wrap the low-level item operations.
  'lib-dynamodb': {
    Put: ['PutItem'],
    Get: ['GetItem'],
    Update: ['UpdateItem'],
    Delete: ['DeleteItem'],
    Query: ['Query'],
    Scan: ['Scan'],
    BatchGet: ['BatchGetItem'],
    BatchWrite: ['BatchWriteItem'],
    // A transaction is authorized per contained operation; the source does not say which, so all of them.
    TransactGet: ['GetItem'],
    TransactWrite: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
  },
  'client-dynamodb': {
    TransactGetItems: ['GetItem'],
    TransactWriteItems: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
  },
  'client-s3': {
    GetBucketEncryption: ['GetEncryptionConfiguration'],
    PutBucketEncryption: ['PutEncryptionConfiguration'],
    DeleteBucketEncryption: ['PutEncryptionConfiguration'],
    HeadObject: ['GetObject'],
    HeadBucket: ['ListBucket'],
    ListObjects: ['ListBucket'],
    ListObjectsV2: ['ListBucket'],
    GetPublicAccessBlock: ['GetBucketPublicAccessBlock'],
    PutPublicAccessBlock: ['PutBucketPublicAccessBlock'],
    DeleteObjects: ['DeleteObject'],
    CreateMultipartUpload: ['PutObject'],
    UploadPart: ['PutObject'],
    CompleteMultipartUpload: ['PutObject'],
  },
};

/**
 * Libraries whose own source calls AWS: their files that import an SDK package are scanned like ours.
 * Powertools idempotency keeps its records in DynamoDB.
 */
const LIBRARY_SOURCES: Record<string, string> = {
  '@aws-lambda-powertools/idempotency': 'lib/esm',
};

function packageShortName(specifier: string): string | null {
  const match = /^@aws-sdk\/([a-z0-9-]+)$/.exec(specifier);
  return match ? match[1]! : null;
}

export function serviceOfPackage(shortName: string): string {
  const mapped = SERVICE_OF_PACKAGE[shortName];
  if (mapped) return mapped;
  const match = /^client-([a-z0-9-]+)$/.exec(shortName);
  if (!match) throw new Error(`@aws-sdk/${shortName}: not a service client package`);
  return match[1]!;
}

/** The IAM actions that authorize `operation` of the SDK package `shortName` (`client-iam`, `lib-dynamodb`). */
export function actionsOf(shortName: string, operation: string): string[] {
  const service = serviceOfPackage(shortName);
  const names = ACTION_OF_OPERATION[shortName]?.[operation] ?? [operation];
  return names.map((name) => `${service}:${name}`);
}

interface ImportClause {
  specifier: string;
  /** `import type ... from`: erased by the bundler, so nothing it names runs. */
  typeOnly: boolean;
  /** Named value imports (type-only ones excluded), by their exported name. */
  names: string[];
}

const IMPORT_RE = /\b(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
const DYNAMIC_IMPORT_RE = /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(source: string): ImportClause[] {
  const clauses: ImportClause[] = [];
  for (const match of source.matchAll(IMPORT_RE)) {
    const typeOnly = Boolean(match[1]);
    const bindings = match[2] ?? '';
    const braces = /\{([^}]*)\}/.exec(bindings);
    const names =
      typeOnly || !braces
        ? []
        : braces[1]!
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '' && !part.startsWith('type '))
            .map((part) => part.split(/\s+as\s+/)[0]!.trim());
    clauses.push({ specifier: match[3]!, typeOnly, names });
  }
  for (const match of source.matchAll(DYNAMIC_IMPORT_RE))
    clauses.push({ specifier: match[1]!, typeOnly: false, names: [] });
  return clauses;
}

/** Calls made by one source file: its SDK command and paginator imports. */
export function callsInSource(source: string, file: string): SdkCall[] {
  const calls: SdkCall[] = [];
  for (const clause of importsOf(source)) {
    const shortName = packageShortName(clause.specifier);
    if (!shortName || shortName === 'types') continue;
    for (const name of clause.names) {
      const command = /^([A-Z][A-Za-z0-9]*)Command$/.exec(name);
      const paginator = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(name);
      const operation = command?.[1] ?? paginator?.[1];
      if (!operation) continue;
      for (const action of actionsOf(shortName, operation))
        calls.push({ action, from: `@aws-sdk/${shortName} ${name}`, file });
    }
  }
  return calls;
}

function resolveRelative(fromFile: string, specifier: string): string | null {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(m?js|ts)$/.test(entry.name) ? [path] : [];
  });
}

function libraryName(specifier: string): string | null {
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 ? `${parts[0]}/${parts[1]}` : null;
  return parts[0] ?? null;
}

export interface ReachedCode {
  /** Project files reached from the entry point, absolute. */
  files: string[];
  /** Bare package specifiers imported by them. */
  packages: string[];
  calls: SdkCall[];
}

/** Follows relative imports from `entry` and collects every call the reached files (and known libraries) make. */
export function callsReachableFrom(entry: string, root: string): ReachedCode {
  if (!existsSync(entry)) throw new Error(`entry point ${relative(root, entry)} does not exist`);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const calls: SdkCall[] = [];
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    calls.push(...callsInSource(source, relative(root, file)));
    for (const { specifier, typeOnly } of importsOf(source)) {
      if (typeOnly) continue;
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (!target) throw new Error(`${relative(root, file)}: cannot resolve import ${specifier}`);
        queue.push(target);
      } else if (!specifier.startsWith('node:')) {
        packages.add(specifier);
      }
    }
  }
  for (const library of new Set([...packages].map(libraryName))) {
    const sourceDir = library ? LIBRARY_SOURCES[library] : undefined;
    if (!library || !sourceDir) continue;
    const directory = join(root, 'node_modules', library, sourceDir);
    if (!existsSync(directory))
      throw new Error(`${library} is imported but ${relative(root, directory)} is missing`);
    for (const file of filesUnder(directory))
      calls.push(...callsInSource(readFileSync(file, 'utf8'), relative(root, file)));
  }
  return { files: [...seen], packages: [...packages], calls };
}

/** Actions that IAM does not know: a missing entry in ACTION_OF_OPERATION, caught before it hides a grant. */
export function unknownActions(calls: SdkCall[]): string[] {
  return [...new Set(calls.map((call) => call.action))].filter((action) => referenceAction(action) === null);
}
