import { Button, Checkbox, Form, Input } from 'antd';
import { useState } from 'react';
import { filingBody, type FilingForm, type ReportFiling } from '../../lib/pairing';
import { MoneyInput } from '../MoneyInput';

type CountKey = 'cadreDays' | 'projectsStarted' | 'projectsFinished';

/** A count as typed: empty is missing, anything but a whole number is NaN (refused by {@link filingBody}). */
function countOf(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : Number.NaN;
}

const countLabels: Readonly<Record<CountKey, string>> = { cadreDays: '干部驻村天数', projectsStarted: '本期开工项目数', projectsFinished: '本期完工项目数' };

/**
 * The unit's periodic report: every indicator of the period (funds in yuan, handed on in fen by the
 * money input; counts; collective income to date; the narrative), or a nil report. What is missing
 * or negative is named under its field before anything is sent; the API checks again.
 */
export function ReportFilingForm({ initial, onSubmit, submitLabel = '提交报告', busy = false }: { readonly initial: FilingForm; readonly onSubmit: (body: ReportFiling) => void; readonly submitLabel?: string; readonly busy?: boolean }) {
  const [nil, setNil] = useState(initial.nil);
  const [investedFen, setInvested] = useState(initial.investedFen);
  const [incomeFen, setIncome] = useState(initial.collectiveIncomeToDateFen);
  const [counts, setCounts] = useState<Record<CountKey, string>>({
    cadreDays: initial.cadreDays?.toString() ?? '',
    projectsStarted: initial.projectsStarted?.toString() ?? '',
    projectsFinished: initial.projectsFinished?.toString() ?? '',
  });
  const [narrative, setNarrative] = useState(initial.narrative ?? '');
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});

  const submit = () => {
    const check = filingBody({ nil, investedFen, collectiveIncomeToDateFen: incomeFen, cadreDays: countOf(counts.cadreDays), projectsStarted: countOf(counts.projectsStarted), projectsFinished: countOf(counts.projectsFinished), narrative });
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    onSubmit(check.body);
  };
  const status = (key: string) => (errors[key] ? ('error' as const) : undefined);

  return (
    <Form layout="vertical" style={{ maxWidth: 560 }} onFinish={submit} aria-label="报告填报">
      <Form.Item>
        <Checkbox checked={nil} onChange={(e) => setNil(e.target.checked)}>
          本期无进展（零报告）
        </Checkbox>
      </Form.Item>
      {!nil && (
        <>
          <Form.Item label="本期投入资金（元）" htmlFor="report-invested" validateStatus={status('investedFen')} help={errors.investedFen}>
            <MoneyInput id="report-invested" aria-label="本期投入资金（元）" value={investedFen} onChange={setInvested} />
          </Form.Item>
          {(Object.keys(countLabels) as CountKey[]).map((key) => (
            <Form.Item key={key} label={countLabels[key]} htmlFor={`report-${key}`} validateStatus={status(key)} help={errors[key]}>
              <Input id={`report-${key}`} inputMode="numeric" value={counts[key]} onChange={(e) => setCounts({ ...counts, [key]: e.target.value })} />
            </Form.Item>
          ))}
          <Form.Item label="村集体收入累计（元）" htmlFor="report-income" validateStatus={status('collectiveIncomeToDateFen')} help={errors.collectiveIncomeToDateFen}>
            <MoneyInput id="report-income" aria-label="村集体收入累计（元）" value={incomeFen} onChange={setIncome} />
          </Form.Item>
        </>
      )}
      <Form.Item label={nil ? '说明（选填）' : '进展情况'} htmlFor="report-narrative" validateStatus={status('narrative')} help={errors.narrative}>
        <Input.TextArea id="report-narrative" rows={4} maxLength={4000} value={narrative} onChange={(e) => setNarrative(e.target.value)} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {submitLabel}
      </Button>
    </Form>
  );
}
