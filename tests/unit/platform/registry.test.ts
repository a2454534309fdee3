import { describe, expect, it } from 'vitest';
import { substitute } from '../../../workflows/registry.ts';

describe('definition substitution', () => {
  it('replaces every variable as Step Functions does', () => {
    expect(substitute('{"Resource":"${A}","Next":"${B}"}', { A: 'arn:a', B: 'b' })).toBe('{"Resource":"arn:a","Next":"b"}');
  });
  it('refuses a variable it has no value for', () => {
    expect(() => substitute('${Missing}', {})).toThrow(/Missing/);
  });
});
