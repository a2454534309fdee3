import { describe, expect, it } from 'vitest';
import { parseCriteria } from '../../../console/src/lib/social';

describe('venture criteria typed in the console', () => {
  it('reads "name:points" pairs separated by Chinese or ASCII commas into keyed criteria', () => {
    expect(parseCriteria('公益性:40，可行性：30, 预算合理性:30')).toEqual([
      { key: 'c1', name: '公益性', maxPoints: 40 },
      { key: 'c2', name: '可行性', maxPoints: 30 },
      { key: 'c3', name: '预算合理性', maxPoints: 30 },
    ]);
  });

  it('gives a criterion without points 100 and skips empty parts', () => {
    expect(parseCriteria('创新性，，')).toEqual([{ key: 'c1', name: '创新性', maxPoints: 100 }]);
    expect(parseCriteria('')).toEqual([]);
  });
});
