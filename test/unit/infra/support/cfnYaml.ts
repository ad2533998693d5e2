import { readFileSync } from 'node:fs';
import { type CollectionTag, parse, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Reads a CloudFormation/SAM template written in YAML, turning the short-form intrinsic tags (`!Ref`, `!Sub`,
 * `!GetAtt`, ...) into their JSON long forms (`{ Ref }`, `{ 'Fn::Sub' }`, `{ 'Fn::GetAtt': [resource, attribute] }`),
 * so that tests see the template exactly as CloudFormation does.
 */

/** Short tag → long form key; `!Ref` and `!Condition` are the two that are not `Fn::<Name>`. */
const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  ...Object.fromEntries(
    [
      'And',
      'Base64',
      'Cidr',
      'Equals',
      'FindInMap',
      'GetAtt',
      'GetAZs',
      'If',
      'ImportValue',
      'Join',
      'Length',
      'Not',
      'Or',
      'Select',
      'Split',
      'Sub',
      'ToJsonString',
      'Transform',
    ].map((name) => [name, `Fn::${name}`]),
  ),
};

function longForm(key: string, value: unknown): Record<string, unknown> {
  // `!GetAtt Resource.Attribute` is the short form of `{ "Fn::GetAtt": ["Resource", "Attribute"] }`.
  if (key === 'Fn::GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { [key]: [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [key]: value };
}

function collectionTag(name: string, key: string, collection: 'seq' | 'map'): CollectionTag {
  return {
    tag: `!${name}`,
    collection,
    resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => longForm(key, value.toJSON()),
  };
}

const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = Object.entries(INTRINSICS).flatMap(([name, key]) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(key, value) } satisfies ScalarTag,
  collectionTag(name, key, 'seq'),
  collectionTag(name, key, 'map'),
]);

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, Record<string, unknown>>;
}

export function parseCfnYaml(text: string): CfnTemplate {
  return parse(text, { customTags: CUSTOM_TAGS, uniqueKeys: true }) as CfnTemplate;
}

export function readCfnTemplate(path: string): CfnTemplate {
  return parseCfnYaml(readFileSync(path, 'utf8'));
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
