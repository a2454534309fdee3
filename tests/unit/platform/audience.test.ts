import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { authenticate } from '../../../functions/api/auth.ts';
import { resetConfig } from '../../../functions/shared/config.ts';

// On AWS two app clients sign users in to one pool (the CLI's and the web console's); JWT_AUDIENCE
// lists both and a token for either is accepted, a token for any other client is not.
const secret = 'audience-test-secret-audience-test-secret-0123';
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'audience-test',
    STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:ap-southeast-1:123456789012:stateMachine:village-flow-test-',
    JWT_SECRET: secret,
    JWT_AUDIENCE: 'cli-client, web-console-client',
  });
  delete process.env.JWKS_URL;
  delete process.env.JWT_ISSUER;
  resetConfig();
});
afterAll(() => {
  process.env = saved;
  resetConfig();
});

const tokenFor = (aud: string) =>
  new SignJWT({ roles: ['finance'], division: '120225' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`user-of-${aud}`)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode(secret));

describe('JWT_AUDIENCE with several app clients', () => {
  it.each(['cli-client', 'web-console-client'])('accepts a token whose aud is %s', async (aud) => {
    await expect(authenticate(`Bearer ${await tokenFor(aud)}`)).resolves.toMatchObject({ sub: `user-of-${aud}`, roles: ['finance'] });
  });

  it('refuses a token for another client', async () => {
    await expect(authenticate(`Bearer ${await tokenFor('someone-elses-client')}`)).rejects.toThrow(/Token rejected: ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });
});
