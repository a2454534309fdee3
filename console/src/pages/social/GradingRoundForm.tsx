import { Alert, Button, Checkbox, Form, Input, Select, Space, Typography, message } from 'antd';
import { useState } from 'react';
import { ApiError, must } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useConsole } from '../../lib/context';
import { formErrorsOf, gradingLimits, gradingPresets, presetOf, roundBody, type GradeRow, type PresetKey } from '../../lib/grading';

type Row = GradeRow & { readonly id: number };
const withIds = (grades: readonly GradeRow[]): Row[] => grades.map((g, i) => ({ ...g, id: i }));
const presetKeys = Object.keys(gradingPresets) as PresetKey[];

/**
 * The township opens the round of a year: a preset scale or one edited by hand (maximum score,
 * grades from the best down with their cut-offs, which are excellent), the validity in years and the
 * panel. The form applies the API's rules before sending (lib/grading.ts); what the API still refuses
 * by field shows beside that field.
 */
export function GradingRoundForm({ township, year, onCreated }: { readonly township: string; readonly year: number; readonly onCreated: () => void }) {
  const { client } = useConsole();
  const [maxScore, setMaxScore] = useState(gradingPresets['five-a'].form.maxScore);
  const [rows, setRows] = useState<readonly Row[]>(withIds(gradingPresets['five-a'].form.grades));
  const [validityYears, setValidity] = useState(gradingPresets['five-a'].form.validityYears);
  const [scorers, setScorers] = useState('');
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [error, setError] = useState<unknown>();
  const preset = presetOf({ maxScore, grades: rows, validityYears });

  const applyPreset = (key: PresetKey) => {
    const p = gradingPresets[key].form;
    setMaxScore(p.maxScore);
    setRows(withIds(p.grades));
    setValidity(p.validityYears);
    setErrors({});
  };
  const setRow = (id: number, change: Partial<GradeRow>) => setRows(rows.map((r) => (r.id === id ? { ...r, ...change } : r)));
  const create = async () => {
    setError(undefined);
    const check = roundBody({ township, year, maxScore, grades: rows, validityYears, scorers });
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    try {
      must(await client.POST('/social/grading-rounds', { body: check.body }));
      void message.success('已创建评定');
      onCreated();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.problem?.errors) {
        // Each field error beside its field; the alert keeps only those the form has no place for.
        const { byField, rest } = formErrorsOf(err.problem.errors);
        setErrors(byField);
        setError(new ApiError(err.status, { ...err.problem, errors: rest }));
      } else setError(err);
    }
  };
  const field = (...keys: string[]) => {
    const help = keys.map((k) => errors[k]).filter(Boolean).join('；');
    return { validateStatus: help ? ('error' as const) : undefined, help: help || undefined };
  };
  const rowError = (i: number) => (['grade', 'minScore'] as const).map((k) => errors[`grades.${i}.${k}`]).filter(Boolean).join('；');

  return (
    <Form layout="vertical" component="div">
      <ErrorAlert error={error} />
      {/* The township is picked above the form, so its error has no field here. */}
      {errors.township && <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} message={errors.township} />}
      <Form.Item label="评定标准" htmlFor="grading-preset" extra="选择预设后可直接修改满分、等级、分数线和有效期。">
        <Select<PresetKey | 'custom'>
          id="grading-preset"
          aria-label="评定标准"
          style={{ maxWidth: 360 }}
          value={preset ?? 'custom'}
          onChange={(k) => k !== 'custom' && applyPreset(k)}
          options={[...presetKeys.map((k) => ({ value: k, label: gradingPresets[k].label })), { value: 'custom' as const, label: '自定义', disabled: true }]}
        />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item label="满分" htmlFor="grading-max-score" {...field('maxScore')}>
          <Input id="grading-max-score" inputMode="numeric" style={{ width: 140 }} value={maxScore} onChange={(e) => setMaxScore(e.target.value)} />
        </Form.Item>
        <Form.Item label="有效期（年）" htmlFor="grading-validity" {...field('validityYears')}>
          <Input id="grading-validity" inputMode="numeric" style={{ width: 140 }} value={validityYears} onChange={(e) => setValidity(e.target.value)} />
        </Form.Item>
      </Space>
      <Form.Item label="等级与分数线（从高到低；平均分达到最低分即得该等级）" {...field('grades', 'excellent')}>
        {rows.map((r, i) => (
          <div key={r.id} style={{ marginBottom: 8 }}>
            <Space wrap>
              <Input aria-label={`第 ${i + 1} 个等级名称`} placeholder="等级，如 5A、优秀" style={{ width: 160 }} value={r.grade} status={errors[`grades.${i}.grade`] ? 'error' : undefined} onChange={(e) => setRow(r.id, { grade: e.target.value })} />
              <Input aria-label={`第 ${i + 1} 个等级最低分`} placeholder="最低分" inputMode="numeric" prefix="≥" style={{ width: 140 }} value={r.minScore} status={errors[`grades.${i}.minScore`] ? 'error' : undefined} onChange={(e) => setRow(r.id, { minScore: e.target.value })} />
              <Checkbox checked={r.excellent} onChange={(e) => setRow(r.id, { excellent: e.target.checked })}>
                优秀
              </Checkbox>
              <Button aria-label={`删除第 ${i + 1} 个等级`} disabled={rows.length === 1} onClick={() => setRows(rows.filter((x) => x.id !== r.id))}>
                删除
              </Button>
            </Space>
            {rowError(i) && (
              <div role="alert" style={{ color: '#cf1322' }}>
                {rowError(i)}
              </div>
            )}
          </div>
        ))}
        <Button disabled={rows.length >= gradingLimits.grades} onClick={() => setRows([...rows, { id: Math.max(-1, ...rows.map((r) => r.id)) + 1, grade: '', minScore: '', excellent: false }])}>
          添加等级
        </Button>
      </Form.Item>
      <Form.Item label="评分人（至少两人，用逗号分隔；可写作 账号@村代码）" htmlFor="grading-scorers" {...field('scorers')}>
        <Input id="grading-scorers" placeholder="评分人账号，逗号分隔，如 demo-township, scorer-b@120225104204" value={scorers} onChange={(e) => setScorers(e.target.value)} />
      </Form.Item>
      <Typography.Paragraph type="secondary">被勾选“优秀”的等级列入优秀组织名单；评分人不能为本村的组织评分。</Typography.Paragraph>
      <Button type="primary" onClick={() => void create()}>
        创建评定
      </Button>
    </Form>
  );
}
