import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import fc from 'fast-check';
import { TermForm } from '../../../console/src/components/pairing/TermForm';
import { percentToBp, rankingPolicyBody, termBody, termPeriodIds, type TermForm as Form } from '../../../console/src/lib/pairing-admin';

afterEach(cleanup);

// antd reads matchMedia for its responsive grid; jsdom has none.
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
// A ceiling for a loaded machine (antd renders slowly in jsdom), not a measure of speed.
const settle = { timeout: 30_000 };
const submit = () => fireEvent.click(screen.getByRole('button', { name: '创建帮扶周期' }));

const base: Form = {
  name: '2026—2028 年结对帮扶',
  division: '120225',
  firstYear: '2026',
  lastYear: '2028',
  schedule: [{ periodType: 'monthly', dueKind: 'day-in-period', number: '5', monthInPeriod: '' }],
  advancedVillages: '3',
  oneVillageOneIndustry: '10',
  oneVillageOneCooperative: '8',
  collectiveIncomeFen: 10_000_000,
};

describe('the term form', () => {
  it('sends the schedule rows as rules and the income target typed in yuan as exact fen', { timeout: 60_000 }, async () => {
    const onSubmit = vi.fn();
    render(<TermForm division="120225" onSubmit={onSubmit} />);
    type('名称', '2026—2028 年结对帮扶');
    type('起始年度', '2026');
    type('结束年度', '2028');
    type('第 1 条规则的日', '10');
    fireEvent.click(screen.getByRole('button', { name: '添加规则' }));
    type('第 2 条规则的天数', '20');
    type('跨入先进村数', '3');
    type('村集体收入目标（元）', '100000.29');
    submit();
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1), settle);
    expect(onSubmit).toHaveBeenCalledWith({
      name: '2026—2028 年结对帮扶',
      division: '120225',
      firstYear: 2026,
      lastYear: 2028,
      schedule: [
        { periodType: 'monthly', due: { kind: 'day-in-period', day: 10 } },
        { periodType: 'yearly', due: { kind: 'days-after-end', days: 20 } },
      ],
      targets: { advancedVillages: 3, oneVillageOneIndustry: 0, oneVillageOneCooperative: 0, collectiveIncomeFen: 10_000_029 },
    });
  });

  it('names each wrong field under it and sends nothing', { timeout: 60_000 }, async () => {
    const onSubmit = vi.fn();
    render(<TermForm division="120225" onSubmit={onSubmit} />);
    type('起始年度', '2028');
    type('结束年度', '2026');
    type('第 1 条规则的日', '0');
    submit();
    await vi.waitFor(() => expect(screen.getByText('不能早于起始年度')).toBeTruthy(), settle);
    expect(screen.getByText('请填写名称')).toBeTruthy();
    expect(screen.getByText('须为正整数')).toBeTruthy();
    expect(screen.getByText('请输入金额（元）')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('refuses two rules for one period type and keeps a month in the period', () => {
    const twice = termBody({ ...base, schedule: [...base.schedule, { periodType: 'monthly', dueKind: 'days-after-end', number: '3', monthInPeriod: '' }] });
    expect(twice).toEqual({ ok: false, errors: { 'schedule.1.periodType': '每种报告期只能有一条规则' } });
    const half = termBody({ ...base, schedule: [{ periodType: 'half-yearly', dueKind: 'day-in-period', number: '25', monthInPeriod: '6' }] });
    expect(half.ok && half.body.schedule).toEqual([{ periodType: 'half-yearly', due: { kind: 'day-in-period', day: 25, monthInPeriod: 6 } }]);
  });

  it('sends a reminder policy only when one is typed, and names what is wrong in it', () => {
    const none = termBody(base);
    expect(none.ok && 'reminders' in none.body).toBe(false);
    const typed = termBody({ ...base, reminderDaysBefore: '10，5、1', overdueEveryNDays: '3', reminderHour: '' });
    expect(typed.ok && typed.body.reminders).toEqual({ daysBefore: [10, 5, 1], overdueEveryNDays: 3, overdueForDays: 366, hourBeijing: 9 });
    const wrong = termBody({ ...base, reminderDaysBefore: '7,x', overdueEveryNDays: '0', reminderHour: '0' });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && Object.keys(wrong.errors).sort()).toEqual(['reminders.daysBefore', 'reminders.hourBeijing', 'reminders.overdueEveryNDays']);
  });

  it('turns a percentage into basis points exactly, and refuses more than two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (bp) => {
        const text = `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
        expect(percentToBp(text)).toBe(bp);
      }),
    );
    expect(percentToBp('12.5')).toBe(1250);
    expect(percentToBp('33')).toBe(3300);
    expect(percentToBp('0.125')).toBeUndefined();
    expect(percentToBp('-1')).toBeUndefined();
  });

  it('lists the periods a term’s schedule makes, by the API’s ids', () => {
    const ids = termPeriodIds({ firstYear: 2026, lastYear: 2027, schedule: [{ periodType: 'half-yearly', due: { kind: 'days-after-end', days: 10 } }, { periodType: 'yearly', due: { kind: 'days-after-end', days: 20 } }] });
    expect(ids.map((p) => p.periodId)).toEqual(['2026S1', '2026S2', '2026', '2027S1', '2027S2', '2027']);
    const months = termPeriodIds({ firstYear: 2026, lastYear: 2026, schedule: [{ periodType: 'monthly', due: { kind: 'day-in-period', day: 5 } }] });
    expect(months.map((p) => p.periodId)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
  });

  it('sends a ranking policy’s weights typed in percent as basis points adding up to 10000', () => {
    const form = { name: '年度排名', division: '120225', bottomSharePercent: '', rounding: 'ceil' as const };
    const made = rankingPolicyBody({ ...form, indicators: [{ key: 'income', name: '村集体收入', weightPercent: '62.5', direction: 'higher-better' }, { key: 'debt', name: '负债', weightPercent: '37.5', direction: 'lower-better' }] });
    expect(made.ok && made.body.rule).toEqual({
      indicators: [
        { key: 'income', name: '村集体收入', weightBp: 6250, direction: 'higher-better', source: 'input' },
        { key: 'debt', name: '负债', weightBp: 3750, direction: 'lower-better', source: 'input' },
      ],
      bottomShareBp: 1000,
      rounding: 'ceil',
    });
    const short = rankingPolicyBody({ ...form, indicators: [{ key: 'income', name: '村集体收入', weightPercent: '99.99', direction: 'higher-better' }] });
    expect(short).toEqual({ ok: false, errors: { indicators: '权重合计须为 100%，现为 99.99%' } });
  });
});
