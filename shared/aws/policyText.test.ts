import { AwsAdapterError } from './errors.ts';
import { documentFromAws, policyFromAws } from './policyText.ts';

const document = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a+b/reports 2026/*' }],
};
// IAM encodes documents as RFC 3986 (%20 for a space, %2B for a plus).
const urlEncoded = encodeURIComponent(JSON.stringify(document));

describe('policy text from AWS', () => {
  it.each([
    ['URL-encoded (IAM)', urlEncoded],
    ['JSON (KMS, S3, Organizations, EC2)', JSON.stringify(document)],
    ['JSON with spacing', JSON.stringify(document, null, 2)],
  ])('decodes %s to the document', (_label, text) => {
    expect(policyFromAws(text)).toEqual(document);
    expect(documentFromAws(text, 'test')).toEqual(document);
  });

  it('keeps text that does not decode, so that snapshot validation names it', () => {
    expect(policyFromAws('%7Bnot json')).toBe('%7Bnot json');
  });

  it('refuses a stored document it cannot read rather than treating it as empty', () => {
    expect(() => documentFromAws('{"Statement": [{"Effect": "Maybe"}]}', 'GetRolePolicy app')).toThrow(
      AwsAdapterError,
    );
  });
});
