import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../functions/api/auth.ts';
import { UnauthorizedError } from '../../../functions/shared/errors.ts';

describe('claims → principal', () => {
  it('reads our own claim names', () => {
    expect(principalFromClaims({ sub: 'f1', roles: ['finance'], division: '120225' })).toEqual({ sub: 'f1', roles: ['finance'], division: '120225' });
    expect(principalFromClaims({ sub: 'v1', roles: ['village'], division: '120225100201', position: 'head' }).position).toBe('head');
  });

  it("reads Cognito's forms: groups as roles, custom: attributes", () => {
    const p = principalFromClaims({
      sub: 'abc',
      'cognito:groups': ['unit', 'Everyone'],
      'custom:division': '1202',
      'custom:unitId': 'U7',
    });
    expect(p).toEqual({ sub: 'abc', roles: ['unit'], division: '1202', unitId: 'U7' });
  });

  it('refuses tokens without a usable role, division or subject, naming the claim', () => {
    expect(() => principalFromClaims({ sub: 'x', roles: ['root'], division: '120225' })).toThrow(/claim roles/);
    expect(() => principalFromClaims({ sub: 'x', roles: ['admin'], division: '12022' })).toThrow(/claim division/);
    expect(() => principalFromClaims({ roles: ['admin'], division: '120225' })).toThrow(UnauthorizedError);
    expect(() => principalFromClaims({ sub: 'x', roles: ['village'], division: '120225100201', position: 'mayor' })).toThrow(/claim position/);
  });
});
