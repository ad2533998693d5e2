import { join } from 'node:path';
import { ROOT } from '../../support/runCli.ts';
import { readCfnTemplate, resourcesOfType } from './support/cfnYaml.ts';

/** infra/organization-trail.yaml logs what S3 object-level denials need to reach EventBridge. */

const template = readCfnTemplate(join(ROOT, 'infra/organization-trail.yaml'));
const [[, trail] = []] = resourcesOfType(template, 'AWS::CloudTrail::Trail');

describe('the organization trail', () => {
  it('is a logging, multi-Region organization trail', () => {
    expect(trail?.Properties).toMatchObject({
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      IsLogging: true,
    });
  });

  it('selects S3 object-level calls, reads and writes alike', () => {
    const selectors = trail!.Properties!.AdvancedEventSelectors as {
      Name?: string;
      FieldSelectors?: unknown[];
    }[];
    const data = selectors.find((selector) => selector.Name === 'S3 object-level calls');
    expect(data?.FieldSelectors).toEqual(
      expect.arrayContaining([
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      ]),
    );
    // A readOnly selector would drop denied reads (GetObject) or denied writes (PutObject).
    expect(JSON.stringify(data)).not.toContain('readOnly');
  });

  it('keeps its log bucket private and TLS-only', () => {
    const [[, bucket] = []] = resourcesOfType(template, 'AWS::S3::Bucket');
    expect(bucket?.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const [[, policy] = []] = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });
});
