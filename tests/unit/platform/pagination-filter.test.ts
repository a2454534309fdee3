import { describe, expect, it } from 'vitest';
import { whereAll } from '../../../functions/platform/store/pagination.ts';

describe('whereAll: list filters as one FilterExpression', () => {
  it('joins equality, prefix and presence conditions with placeholders, leaving out the ones not asked for', () => {
    expect(whereAll({ status: 'paid', level: undefined, village: { beginsWith: '120225104' }, excluded: { exists: false }, weak: true })).toEqual({
      expression: '#f0 = :f0 AND begins_with(#f1, :f1) AND attribute_not_exists(#f2) AND #f3 = :f3',
      names: { '#f0': 'status', '#f1': 'village', '#f2': 'excluded', '#f3': 'weak' },
      values: { ':f0': 'paid', ':f1': '120225104', ':f3': true },
    });
  });
  it('bounds an attribute from above: present and strictly below (a deadline before an instant)', () => {
    expect(whereAll({ kind: { beginsWith: 'reward.' }, deadline: { before: '2026-06-01T16:00:00.000Z' } })).toEqual({
      expression: 'begins_with(#f0, :f0) AND #f1 < :f1',
      names: { '#f0': 'kind', '#f1': 'deadline' },
      values: { ':f0': 'reward.', ':f1': '2026-06-01T16:00:00.000Z' },
    });
  });
  it('gives no filter when nothing is asked for', () => {
    expect(whereAll({ status: undefined })).toBeUndefined();
    expect(whereAll({})).toBeUndefined();
  });
});
