import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../functions/api/auth.ts';
import { UnauthorizedError } from '../../../functions/shared/errors.ts';
import { sameIdentity } from '../../../functions/platform/principal.ts';

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

  it('refuses a sub that is blank, padded, too long or carries control or invisible characters', () => {
    for (const sub of ['   ', 'fin ', ' fin', '\tfin', 'f\u0000in', 'fin\u001b', '\u200Bfin', 'fi\u200Dn', 'fin\u202E', '\uFEFFfin', 'fin\u00AD', 'x'.repeat(129)]) {
      expect(() => principalFromClaims({ sub, roles: ['finance'], division: '120225' }), JSON.stringify(sub)).toThrow(/claim sub/);
    }
    expect(principalFromClaims({ sub: '财务 一', roles: ['finance'], division: '120225' }).sub).toBe('财务 一');
  });

  it('compares identities in their NFKC form', () => {
    expect(sameIdentity('fin', '\uFF46\uFF49\uFF4E')).toBe(true);
    expect(sameIdentity('\uFB01n', 'fin')).toBe(true);
    expect(sameIdentity('fin', 'fin2')).toBe(false);
  });
});
