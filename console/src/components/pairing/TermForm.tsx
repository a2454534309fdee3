import { Button, Form, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { periodTypeNames } from '../../lib/pairing';
import { dueKindNames, termBody, type DueKind, type PeriodType, type ScheduleRow, type TermInput } from '../../lib/pairing-admin';
import { MoneyInput } from '../MoneyInput';

type Row = ScheduleRow & { readonly key: number };

const countLabels = { advancedVillages: '跨入先进村数', oneVillageOneIndustry: '一村一业村数', oneVillageOneCooperative: '一村一社村数' } as const;
type CountKey = keyof typeof countLabels;

/**
 * A new term (帮扶周期): name, division, years, the reporting schedule as rows (period type, how the
 * due date is set, its number) and the outcome targets, collective income typed in yuan and sent in
 * fen. What is wrong is named under its field before anything is sent; the API checks again.
 */
export function TermForm({ division, onSubmit, busy = false }: { readonly division: string; readonly onSubmit: (body: TermInput) => void; readonly busy?: boolean }) {
  const [text, setText] = useState({ name: '', division, firstYear: '', lastYear: '' });
  const [rows, setRows] = useState<readonly Row[]>([{ key: 0, periodType: 'monthly', dueKind: 'day-in-period', number: '5', monthInPeriod: '' }]);
  const [counts, setCounts] = useState<Record<CountKey, string>>({ advancedVillages: '0', oneVillageOneIndustry: '0', oneVillageOneCooperative: '0' });
  const [incomeFen, setIncome] = useState<number | undefined>();
  const [reminders, setReminders] = useState({ reminderDaysBefore: '', overdueEveryNDays: '', reminderHour: '' });
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});

  const setRow = (key: number, change: Partial<ScheduleRow>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const submit = () => {
    const check = termBody({ ...text, schedule: rows, ...counts, collectiveIncomeFen: incomeFen, ...reminders });
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    onSubmit(check.body);
  };
  const field = (key: string) => ({ validateStatus: errors[key] ? ('error' as const) : undefined, help: errors[key] });

  return (
    <Form layout="vertical" onFinish={submit} aria-label="新建帮扶周期">
      <Form.Item label="名称" htmlFor="term-name" {...field('name')}>
        <Input id="term-name" value={text.name} onChange={(e) => setText({ ...text, name: e.target.value })} />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item label="区划代码" htmlFor="term-division" {...field('division')}>
          <Input id="term-division" value={text.division} onChange={(e) => setText({ ...text, division: e.target.value.trim() })} />
        </Form.Item>
        <Form.Item label="起始年度" htmlFor="term-first" {...field('firstYear')}>
          <Input id="term-first" inputMode="numeric" value={text.firstYear} onChange={(e) => setText({ ...text, firstYear: e.target.value })} />
        </Form.Item>
        <Form.Item label="结束年度" htmlFor="term-last" {...field('lastYear')}>
          <Input id="term-last" inputMode="numeric" value={text.lastYear} onChange={(e) => setText({ ...text, lastYear: e.target.value })} />
        </Form.Item>
      </Space>
      <Form.Item label="报告制度" {...field('schedule')}>
        {rows.map((r, i) => (
          <Space key={r.key} wrap align="start" style={{ display: 'flex', marginBottom: 8 }}>
            <Select<PeriodType> aria-label={`第 ${i + 1} 条规则的报告期`} style={{ width: 110 }} value={r.periodType} onChange={(periodType) => setRow(r.key, { periodType })} options={Object.entries(periodTypeNames).map(([value, label]) => ({ value: value as PeriodType, label }))} />
            <Select<DueKind> aria-label={`第 ${i + 1} 条规则的截止方式`} style={{ width: 150 }} value={r.dueKind} onChange={(dueKind) => setRow(r.key, { dueKind })} options={Object.entries(dueKindNames).map(([value, label]) => ({ value: value as DueKind, label }))} />
            {r.dueKind === 'day-in-period' && (
              <Input aria-label={`第 ${i + 1} 条规则的期内月份`} placeholder="期内第几个月（默认 1）" inputMode="numeric" style={{ width: 180 }} value={r.monthInPeriod} onChange={(e) => setRow(r.key, { monthInPeriod: e.target.value })} />
            )}
            <Input
              aria-label={`第 ${i + 1} 条规则的${r.dueKind === 'day-in-period' ? '日' : '天数'}`}
              placeholder={r.dueKind === 'day-in-period' ? '几日前' : '几天内'}
              inputMode="numeric"
              style={{ width: 120 }}
              status={errors[`schedule.${i}.number`] ? 'error' : undefined}
              value={r.number}
              onChange={(e) => setRow(r.key, { number: e.target.value })}
            />
            <Button aria-label={`删除第 ${i + 1} 条规则`} disabled={rows.length === 1} onClick={() => setRows(rows.filter((x) => x.key !== r.key))}>
              删除
            </Button>
            {(['periodType', 'number', 'monthInPeriod'] as const).map((k) => errors[`schedule.${i}.${k}`] && <span key={k} role="alert" style={{ color: '#ff4d4f' }}>{errors[`schedule.${i}.${k}`]}</span>)}
          </Space>
        ))}
        <Button style={{ marginTop: 8 }} onClick={() => setRows([...rows, { key: Math.max(...rows.map((r) => r.key)) + 1, periodType: 'yearly', dueKind: 'days-after-end', number: '15', monthInPeriod: '' }])}>
          添加规则
        </Button>
      </Form.Item>
      <Space wrap align="start">
        {(Object.keys(countLabels) as CountKey[]).map((key) => (
          <Form.Item key={key} label={countLabels[key]} htmlFor={`term-${key}`} {...field(`targets.${key}`)}>
            <Input id={`term-${key}`} inputMode="numeric" value={counts[key]} onChange={(e) => setCounts({ ...counts, [key]: e.target.value })} />
          </Form.Item>
        ))}
      </Space>
      <Form.Item label="村集体收入目标（元）" htmlFor="term-income" {...field('targets.collectiveIncomeFen')}>
        <MoneyInput id="term-income" aria-label="村集体收入目标（元）" value={incomeFen} onChange={setIncome} />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item label="提前提醒（距截止日天数，逗号分隔；留空为 7、3）" htmlFor="term-remind-days" {...field('reminders.daysBefore')}>
          <Input id="term-remind-days" placeholder="7,3" value={reminders.reminderDaysBefore} onChange={(e) => setReminders({ ...reminders, reminderDaysBefore: e.target.value })} />
        </Form.Item>
        <Form.Item label="逾期后每隔几天提醒（留空为 7）" htmlFor="term-remind-every" {...field('reminders.overdueEveryNDays')}>
          <Input id="term-remind-every" placeholder="7" value={reminders.overdueEveryNDays} onChange={(e) => setReminders({ ...reminders, overdueEveryNDays: e.target.value })} />
        </Form.Item>
        <Form.Item label="提醒时刻（北京时间，时）" htmlFor="term-remind-hour" {...field('reminders.hourBeijing')}>
          <Input id="term-remind-hour" placeholder="9" value={reminders.reminderHour} onChange={(e) => setReminders({ ...reminders, reminderHour: e.target.value })} />
        </Form.Item>
      </Space>
      <Button type="primary" htmlType="submit" loading={busy}>
        创建帮扶周期
      </Button>
    </Form>
  );
}
