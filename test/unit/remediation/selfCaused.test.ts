import { remediatorCause } from '../../../shared/guardrails/selfCaused.ts';
import { eventOf, fixtureRecord } from './support/memoryAdapters.ts';

const options = { namePrefix: 'access-remediator', userAgentMarker: 'access-remediator' };
const base = fixtureRecord('kc000-putobject-missing-generatedatakey');

function assumed(role: string, session: string) {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${session}`,
    arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
    accountId: '111122223333',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: `arn:aws:iam::111122223333:role/${role}`,
        accountId: '111122223333',
        userName: role,
      },
    },
  };
}

describe("events caused by the remediator's own calls", () => {
  it.each([
    [
      'its role',
      { userIdentity: assumed('access-remediator-member', 'i-0123') },
      /role access-remediator-member/,
    ],
    [
      'its role session',
      { userIdentity: assumed('OrgRemediation', 'access-remediator-4f2a') },
      /role session/,
    ],
    [
      'its user',
      {
        userIdentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111122223333:user/Access-Remediator-ci',
          accountId: '111122223333',
          userName: 'Access-Remediator-ci',
        },
      },
      /user Access-Remediator-ci/,
    ],
    ['its user agent', { userAgent: 'aws-sdk-js/3.700.0 ua/2.1 access-remediator/0.1.0' }, /user agent/],
  ])('are recognised by %s', (_name, change, reason) => {
    expect(remediatorCause(eventOf(base, change), options)).toMatch(reason);
  });

  it('other callers are not', () => {
    expect(remediatorCause(eventOf(base), options)).toBeNull();
    expect(
      remediatorCause(eventOf(base, { userIdentity: assumed('remediator-access', 's') }), options),
    ).toBeNull();
  });
});
