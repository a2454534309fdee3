import { describe, expect, it } from 'vitest';
import { actions, authorize, type Action } from '../../../functions/platform/authz.ts';
import { roles, type Principal, type Role } from '../../../functions/platform/principal.ts';

// The whole policy as an independent table: which roles may do each action inside their
// jurisdiction (on a resource that is not their own unit). Out of jurisdiction, nobody may.
const allowedInJurisdiction: Record<Action, readonly Role[]> = {
  'division:create': ['admin'],
  'division:read': ['admin', 'finance', 'township', 'village', 'unit', 'auditor'],
  'division:update': ['admin'],
  'village:create': ['admin'],
  'village:read': ['admin', 'finance', 'township', 'village', 'unit', 'auditor'],
  'village:update': ['admin'],
  'unit:create': ['admin'],
  'unit:read': ['admin', 'finance', 'township', 'auditor'],
  'unit:update': ['admin'],
  'audit:read': ['admin', 'auditor'],
  'import:create': ['admin'],
  'import:read': ['admin', 'auditor'],
  'workflow:read': ['admin', 'auditor'],
  'workflow:redrive': ['admin'],
  'funding-policy:create': ['admin'],
  'funding-policy:read': ['admin', 'finance', 'township', 'auditor'],
  'funding-current:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'funding-current:write': ['admin', 'township'],
  'funding-run:start': ['admin'],
  'funding-run:read': ['admin', 'finance', 'auditor'],
  'funding-run:decide': ['finance'],
  'reward-program:create': ['admin'],
  'reward-program:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'reward-program:update': ['admin'],
  'reward-budget:raise': ['finance'],
  'reward-enterprise:create': ['admin', 'township'],
  'reward-enterprise:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'reward-account:write': ['township'],
  'reward-application:create': ['village'],
  'reward-application:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'reward-application:sign': ['village'],
  'decision:answer': ['admin', 'finance', 'township', 'village'],
  'pairing-term:create': ['admin'],
  'pairing-term:read': ['admin', 'finance', 'township', 'village', 'unit', 'auditor'],
  'pairing:create': ['admin'],
  'pairing:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'pairing:update': ['admin'],
  'pairing-progress:write': ['admin'],
  // pairing: evaluation
  'pairing-evaluation:start': ['admin'],
  'pairing-evaluation:read': ['admin', 'township', 'village', 'auditor'],
  'pairing-evaluation:self-assess': [],
  'pairing-evaluation:evaluate': ['admin'],
  'pairing-outcomes:read': ['admin', 'finance', 'township', 'auditor'],
  'pairing-ranking-policy:create': ['admin'],
  'pairing-ranking-policy:read': ['admin', 'township', 'auditor'],
  'pairing-ranking:run': ['admin'],
  'pairing-ranking:read': ['admin', 'township', 'auditor'],
  'pairing-case:read': ['admin', 'township', 'village', 'auditor'],
  'pairing-case:update': ['admin', 'township'],
  'pairing-case:close': ['admin'],
  'social-org:submit': ['village'],
  'social-org:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'social-org:manage': ['admin', 'township'],
  'social-org:import': ['admin', 'township'],
  'social-coverage:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'social-report:write': ['village'],
  'social-report:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'social-report:remind': ['admin', 'township'],
  'social-report:township': ['admin', 'finance', 'township', 'village', 'auditor'],
  'social-grading:manage': ['township'],
  'social-grading:score': ['township'],
  'social-grading:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'social-budget:raise': ['finance'],
  'social-funding:read': ['admin', 'finance', 'township', 'auditor'],
  'social-funding:manage': ['township'],
  'social-funding:approve': ['finance'],
  'social-venture:read': ['admin', 'finance', 'township', 'village', 'auditor'],
  'payee:read': ['admin', 'finance', 'township', 'auditor'],
  'payee:propose': ['admin', 'finance', 'township'],
  'payee:approve': ['finance'],
  'payment:read': ['admin', 'finance', 'auditor'],
  'payment:manage': ['finance'],
  'notification:read': ['admin', 'finance', 'township', 'village', 'unit', 'auditor'],
  // pairing: periodic reports
  'pairing-report:read': ['admin', 'finance', 'township', 'auditor'],
  'pairing-report:file': [],
  'pairing-report:review': ['township'],
  'pairing-report:accept': ['admin'],
  'pairing-period:manage': ['admin'],
  'pairing-view:read': ['admin', 'finance', 'township', 'auditor'],
};

// On the caller's own unit (registered outside the caller's division), only a unit user reading it.
const allowedOnOwnUnit: Partial<Record<Action, readonly Role[]>> = {
  'unit:read': ['unit'],
  'pairing:read': ['unit'],
  'pairing-progress:write': ['unit'],
  'pairing-evaluation:read': ['unit'],
  'pairing-evaluation:self-assess': ['unit'],
  'pairing-case:read': ['unit'],
  'pairing-report:read': ['unit'],
  'pairing-report:file': ['unit'],
  'pairing-view:read': ['unit'],
};

const principal = (role: Role): Principal => ({ sub: `${role}-1`, roles: [role], division: '120225', unitId: 'U1' });

const scopes = {
  inside: { division: '120225100201', unitId: 'U2' },
  outside: { division: '120223100201', unitId: 'U2' },
  ownUnit: { division: '120223', unitId: 'U1' },
} as const;

const cells = actions.flatMap((action) =>
  roles.flatMap((role) =>
    (Object.keys(scopes) as (keyof typeof scopes)[]).map((scope) => {
      const expected =
        scope === 'inside'
          ? allowedInJurisdiction[action].includes(role)
          : scope === 'ownUnit'
            ? (allowedOnOwnUnit[action] ?? []).includes(role)
            : false;
      return { action, role, scope, expected };
    }),
  ),
);

describe('authorization matrix: action × role × scope', () => {
  it('covers every action, role and scope', () => {
    expect(cells).toHaveLength(actions.length * roles.length * 3);
  });

  it.each(cells)('$action by $role on a resource $scope → allowed: $expected', ({ action, role, scope, expected }) => {
    expect(authorize(principal(role), action, scopes[scope]).allowed).toBe(expected);
  });
});

describe('authorization details', () => {
  it('treats jurisdiction as a code prefix at every level', () => {
    const township: Principal = { sub: 't', roles: ['township'], division: '120225100' };
    expect(authorize(township, 'village:read', { division: '120225100201' }).allowed).toBe(true);
    expect(authorize(township, 'village:read', { division: '120225101201' }).allowed).toBe(false);
    expect(authorize(township, 'village:read', { division: '120225' }).allowed).toBe(false);
    const city: Principal = { sub: 'c', roles: ['admin'], division: '1202' };
    expect(authorize(city, 'village:update', { division: '120225100201' }).allowed).toBe(true);
  });

  it('lets everyone read notifications addressed to their division or one covering it, never a neighbour\'s', () => {
    const township: Principal = { sub: 't', roles: ['township'], division: '120225104' };
    expect(authorize(township, 'notification:read', { division: '120225' }).allowed).toBe(true);
    expect(authorize(township, 'notification:read', { division: '120225104' }).allowed).toBe(true);
    expect(authorize(township, 'notification:read', { division: '120225105' }).allowed).toBe(false);
    expect(authorize(township, 'notification:read', { division: '120223' }).allowed).toBe(false);
  });

  it('allows when any of several roles allows', () => {
    const both: Principal = { sub: 'x', roles: ['finance', 'auditor'], division: '120225' };
    expect(authorize(both, 'audit:read', { division: '120225' }).allowed).toBe(true);
    expect(authorize(both, 'village:update', { division: '120225100201' }).allowed).toBe(false);
  });

  it('never lets a unit user without a unit id read a unit', () => {
    const noUnit: Principal = { sub: 'u', roles: ['unit'], division: '120225' };
    expect(authorize(noUnit, 'unit:read', { division: '120225', unitId: 'U1' }).allowed).toBe(false);
    expect(authorize(noUnit, 'unit:read', { division: '120225' }).allowed).toBe(false);
  });

  it('says whether the role or the jurisdiction was the reason', () => {
    const finance = principal('finance');
    const byRole = authorize(finance, 'village:update', scopes.inside);
    const byScope = authorize(finance, 'village:read', scopes.outside);
    expect(byRole.allowed || byRole.reason).toMatch(/not allowed for role finance/);
    expect(byScope.allowed || byScope.reason).toMatch(/outside your jurisdiction/);
  });
});

describe('reading what covers you', () => {
  const township: Principal = { sub: 't1', roles: ['township'], division: '120225100' };
  const villageHead: Principal = { sub: 'v1', roles: ['village'], division: '120225100201', position: 'head' };

  it('lets townships and villages read the county program that applies to them, and nothing beside it', () => {
    expect(authorize(township, 'reward-program:read', { division: '120225' }).allowed).toBe(true);
    expect(authorize(villageHead, 'reward-program:read', { division: '120225' }).allowed).toBe(true);
    expect(authorize(villageHead, 'reward-program:read', { division: '120225100' }).allowed).toBe(true);
    expect(authorize(township, 'reward-program:read', { division: '120226' }).allowed).toBe(false);
    expect(authorize(villageHead, 'reward-program:read', { division: '120225101' }).allowed).toBe(false);
  });

  it('does not widen other actions: covering is not a licence to change or to read registries above you', () => {
    expect(authorize(township, 'reward-program:update', { division: '120225' }).allowed).toBe(false);
    expect(authorize(township, 'funding-policy:read', { division: '120225' }).allowed).toBe(false);
    expect(authorize(villageHead, 'reward-application:read', { division: '120225' }).allowed).toBe(false);
  });

  it('lets a village read the venture rounds of its own township, not a neighbouring township\'s, and not the township\'s budgets', () => {
    expect(authorize(villageHead, 'social-venture:read', { division: '120225100' }).allowed).toBe(true);
    expect(authorize(villageHead, 'social-venture:read', { division: '120225101' }).allowed).toBe(false);
    expect(authorize(villageHead, 'social-funding:read', { division: '120225100' }).allowed).toBe(false);
    expect(authorize(township, 'social-venture:read', { division: '120225100' }).allowed).toBe(true);
    expect(authorize(township, 'social-venture:read', { division: '120225' }).allowed).toBe(false);
  });
});
