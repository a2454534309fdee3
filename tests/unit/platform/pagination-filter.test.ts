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
  it('gives no filter when nothing is asked for', () => {
    expect(whereAll({ status: undefined })).toBeUndefined();
    expect(whereAll({})).toBeUndefined();
  });
});
