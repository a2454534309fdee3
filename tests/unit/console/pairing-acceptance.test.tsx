import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { AcceptancePanel } from '../../../console/src/components/pairing/AcceptancePanel';
import type { PairingReport } from '../../../console/src/lib/pairing';

afterEach(cleanup);
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;

function report(village: string, status: PairingReport['status']): PairingReport {
  return {
    id: `pp-${village}~2026-03`,
    pairingId: `pp-${village}`,
    periodId: '2026-03',
    periodType: 'monthly',
    termId: 'pt-1',
    unitId: 'u-1',
    village,
    status,
    due: '2026-03-28',
    overdue: false,
    submissions: status === 'expected' ? 0 : 1,
    opening: { cadresInPlace: 1, firstSecretaries: 1, pledgedFen: 100, collectiveIncomeTargetFen: 0 },
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
    version: 1,
  };
}

const reports = [report('120225100201', 'approved'), report('120225100202', 'approved'), report('120225100203', 'submitted'), report('120225100204', 'accepted')];
const label = (r: PairingReport) => `村${r.village}`;

describe('the county acceptance with exceptions', () => {
  it('accepts every approved report when no exception is chosen, and counts the ones not ready', () => {
    const onAccept = vi.fn();
    render(<AcceptancePanel division="120225" reports={reports} label={label} onAccept={onAccept} />);
    expect(screen.getByText(/已审核待验收 2 份，其中列为例外 0 份；尚未审核.*1 份/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /验收本期已审核报告（2 份）/ }));
    expect(onAccept).toHaveBeenCalledWith({ division: '120225' });
  });

  it('refuses an exception without a reason before the API, then sends it with its reason', () => {
    const onAccept = vi.fn();
    render(<AcceptancePanel division="120225" reports={reports} label={label} onAccept={onAccept} />);
    fireEvent.click(screen.getByRole('checkbox', { name: '将 村120225100202 列为例外' }));
    const accept = screen.getByRole('button', { name: /验收本期已审核报告（1 份）/ });
    fireEvent.click(accept);
    expect(onAccept).not.toHaveBeenCalled();
    expect(screen.getByText('请填写例外理由').getAttribute('role')).toBe('alert');
    fireEvent.change(screen.getByLabelText('村120225100202 的例外理由'), { target: { value: '  资金台账待核实 ' } });
    fireEvent.click(accept);
    expect(onAccept).toHaveBeenCalledWith({ division: '120225', exceptions: [{ reportId: 'pp-120225100202~2026-03', reason: '资金台账待核实' }] });
  });

  it('drops an exception that is unticked again', () => {
    const onAccept = vi.fn();
    render(<AcceptancePanel division="120225" reports={reports} label={label} onAccept={onAccept} />);
    const box = screen.getByRole('checkbox', { name: '将 村120225100201 列为例外' });
    fireEvent.click(box);
    fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: /验收本期已审核报告（2 份）/ }));
    expect(onAccept).toHaveBeenCalledWith({ division: '120225' });
  });
});
