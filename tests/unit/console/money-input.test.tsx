import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import fc from 'fast-check';
import { MoneyInput } from '../../../console/src/components/MoneyInput';

afterEach(cleanup);

function typeInto(text: string) {
  fireEvent.change(screen.getByLabelText('金额（元）'), { target: { value: text } });
}

describe('MoneyInput', () => {
  it('hands on the exact fen of what is typed in yuan', () => {
    const onChange = vi.fn();
    render(<MoneyInput onChange={onChange} />);
    typeInto('0.29');
    expect(onChange).toHaveBeenLastCalledWith(29);
    typeInto('1,000,000.1');
    expect(onChange).toHaveBeenLastCalledWith(100_000_010);
    typeInto('');
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });

  it('says why an entry is refused and hands on undefined: three decimals, a negative, letters', () => {
    const onChange = vi.fn();
    render(<MoneyInput onChange={onChange} />);
    for (const [text, why] of [
      ['1.234', '金额最多保留两位小数（分）'],
      ['-5', '金额不能为负数'],
      ['12元', '金额只能包含数字和小数点'],
    ] as const) {
      typeInto(text);
      expect(onChange).toHaveBeenLastCalledWith(undefined);
      expect(screen.getByRole('alert').textContent).toBe(why);
      expect(screen.getByLabelText('金额（元）').getAttribute('aria-invalid')).toBe('true');
    }
    typeInto('12');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a value given in fen as yuan, and round-trips it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        const onChange = vi.fn();
        const { container, unmount } = render(<MoneyInput value={fen} onChange={onChange} />);
        const input = within(container).getByLabelText('金额（元）') as HTMLInputElement;
        const shown = input.value;
        expect(shown).toMatch(/^\d+\.\d{2}$/);
        // Typed again (React ignores a change to the same text, so clear it first), it reads back as the same fen.
        fireEvent.change(input, { target: { value: '' } });
        fireEvent.change(input, { target: { value: shown } });
        expect(onChange).toHaveBeenLastCalledWith(fen);
        unmount();
      }),
      { numRuns: 30 },
    );
  });
});
