import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import fc from 'fast-check';
import { ReportFilingForm } from '../../../console/src/components/pairing/ReportFilingForm';
import { filingBody, formOf, percent, periodName, timelinessOf } from '../../../console/src/lib/pairing';
import { fenToYuanText } from '../../../console/src/lib/money';

afterEach(cleanup);

// antd reads matchMedia for its responsive grid; jsdom has none.
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const submit = () => fireEvent.click(screen.getByRole('button', { name: /提交报告|重新报送/ }));

function fillAll() {
  type('本期投入资金（元）', '12,345.67');
  type('干部驻村天数', '22');
  type('本期开工项目数', '1');
  type('本期完工项目数', '0');
  type('村集体收入累计（元）', '300000.1');
  type('进展情况', '食用菌大棚开工');
}

describe('the periodic report filing form', () => {
  it('sends every indicator, the amounts typed in yuan as exact fen', async () => {
    const onSubmit = vi.fn();
    render(<ReportFilingForm initial={{ nil: false }} onSubmit={onSubmit} />);
    fillAll();
    submit();
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit).toHaveBeenCalledWith({ nil: false, investedFen: 1_234_567, cadreDays: 22, projectsStarted: 1, projectsFinished: 0, collectiveIncomeToDateFen: 30_000_010, narrative: '食用菌大棚开工' });
  });

  it('refuses a negative amount or count and names the field, sending nothing', async () => {
    const onSubmit = vi.fn();
    render(<ReportFilingForm initial={{ nil: false }} onSubmit={onSubmit} />);
    fillAll();
    type('本期投入资金（元）', '-5');
    type('本期完工项目数', '-1');
    submit();
    await vi.waitFor(() => expect(screen.getByText('须为不小于 0 的整数')).toBeTruthy());
    expect(screen.getByText('金额不能为负数')).toBeTruthy();
    expect(screen.getByText('请输入金额（元）')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends a nil report with its optional note and no values', async () => {
    const onSubmit = vi.fn();
    render(<ReportFilingForm initial={{ nil: false }} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('checkbox', { name: '本期无进展（零报告）' }));
    expect(screen.queryByLabelText('本期投入资金（元）')).toBeNull();
    submit();
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ nil: true }));
    type('说明（选填）', '春节期间无进展');
    submit();
    await vi.waitFor(() => expect(onSubmit).toHaveBeenLastCalledWith({ nil: true, narrative: '春节期间无进展' }));
  });

  it('starts a resubmission from what was sent', () => {
    const current = { nil: false as const, investedFen: 1_000_001, cadreDays: 3, projectsStarted: 0, projectsFinished: 2, collectiveIncomeToDateFen: 99, narrative: '旧' };
    render(<ReportFilingForm initial={formOf({ current })} submitLabel="重新报送" onSubmit={() => undefined} />);
    expect((screen.getByLabelText('本期投入资金（元）') as HTMLInputElement).value).toBe('10000.01');
    expect((screen.getByLabelText('本期完工项目数') as HTMLInputElement).value).toBe('2');
  });
});

describe('filing rules', () => {
  it('turns any whole fen amount into the same fen (through the yuan text)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.nat(400), (fen, days) => {
        const check = filingBody({ nil: false, investedFen: fen, collectiveIncomeToDateFen: fen, cadreDays: days, projectsStarted: 0, projectsFinished: 0, narrative: 'x' });
        expect(check.ok && check.body.investedFen === fen).toBe(true);
        expect(fenToYuanText(fen).replace('.', '').replace(/^0+(?=\d)/, '')).toBe(String(fen));
      }),
    );
  });

  it('classes timeliness against the due date in Beijing days', () => {
    const base = { status: 'expected' as const, overdue: false, due: '2026-03-28' };
    expect(timelinessOf(base, '2026-03-28')).toBe('pending');
    expect(timelinessOf(base, '2026-03-29')).toBe('missing');
    expect(timelinessOf({ ...base, overdue: true }, '2026-03-01')).toBe('missing');
    expect(timelinessOf({ ...base, status: 'submitted', timeliness: 'late' }, '2026-03-01')).toBe('late');
    expect([percent(0), percent(1234), percent(10_000)]).toEqual(['0.00%', '12.34%', '100.00%']);
    expect([periodName('2026-03'), periodName('2026S2'), periodName('2026')]).toEqual(['2026年3月', '2026年下半年', '2026年度']);
  });
});
