import { Button, Form, Input, Modal, Select, Space, message } from 'antd';
import { useState } from 'react';
import { must } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useConsole } from '../../lib/context';
import { rankingPolicyBody, type Direction, type IndicatorRow } from '../../lib/pairing-admin';

type Row = IndicatorRow & { readonly id: number };
const directionNames: Readonly<Record<Direction, string>> = { 'higher-better': '越高越好', 'lower-better': '越低越好' };

/** A new ranking policy (admin): indicators with weights shown in percent and sent in basis points, their direction, the bottom share. */
export function NewRankingPolicy({ county, onCreated }: { readonly county: string; readonly onCreated: (id: string) => void }) {
  const { client } = useConsole();
  const [open, setOpen] = useState(false);
  const [policyName, setName] = useState('');
  const [division, setDivision] = useState(county);
  const [rows, setRows] = useState<readonly Row[]>([{ id: 0, key: '', name: '', weightPercent: '100', direction: 'higher-better' }]);
  const [share, setShare] = useState('10');
  const [rounding, setRounding] = useState<'ceil' | 'floor'>('ceil');
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [error, setError] = useState<unknown>();

  const setRow = (id: number, change: Partial<IndicatorRow>) => setRows(rows.map((r) => (r.id === id ? { ...r, ...change } : r)));
  const create = async () => {
    const check = rankingPolicyBody({ name: policyName, division, indicators: rows, bottomSharePercent: share, rounding });
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    setError(undefined);
    try {
      const made = must(await client.POST('/pairing/ranking-policies', { body: check.body }));
      void message.success('排名办法已创建');
      setOpen(false);
      onCreated(made.id);
    } catch (err) {
      setError(err);
    }
  };
  const field = (key: string) => ({ validateStatus: errors[key] ? ('error' as const) : undefined, help: errors[key] });
  const rowError = (i: number) => (['key', 'name', 'weightBp'] as const).map((k) => errors[`indicators.${i}.${k}`]).filter(Boolean).join('；');

  return (
    <>
      <Button onClick={() => { setOpen(true); setError(undefined); }}>新建排名办法</Button>
      <Modal open={open} width={760} title="新建排名办法" okText="创建" cancelText="取消" onOk={() => void create()} onCancel={() => setOpen(false)}>
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label="名称" htmlFor="policy-name" {...field('name')}>
            <Input id="policy-name" value={policyName} onChange={(e) => setName(e.target.value)} />
          </Form.Item>
          <Form.Item label="县级区划代码" htmlFor="policy-division" {...field('division')}>
            <Input id="policy-division" value={division} onChange={(e) => setDivision(e.target.value.trim())} />
          </Form.Item>
          <Form.Item label="指标（权重合计 100%）" {...field('indicators')}>
            {rows.map((r, i) => (
              <div key={r.id} style={{ marginBottom: 8 }}>
                <Space wrap>
                  <Input aria-label={`第 ${i + 1} 项指标代码`} placeholder="代码，如 income" style={{ width: 150 }} value={r.key} onChange={(e) => setRow(r.id, { key: e.target.value })} />
                  <Input aria-label={`第 ${i + 1} 项指标名称`} placeholder="名称" style={{ width: 160 }} value={r.name} onChange={(e) => setRow(r.id, { name: e.target.value })} />
                  <Input aria-label={`第 ${i + 1} 项指标权重（%）`} inputMode="decimal" suffix="%" style={{ width: 110 }} value={r.weightPercent} onChange={(e) => setRow(r.id, { weightPercent: e.target.value })} />
                  <Select<Direction> aria-label={`第 ${i + 1} 项指标方向`} style={{ width: 120 }} value={r.direction} onChange={(direction) => setRow(r.id, { direction })} options={Object.entries(directionNames).map(([value, label]) => ({ value: value as Direction, label }))} />
                  <Button disabled={rows.length === 1} onClick={() => setRows(rows.filter((x) => x.id !== r.id))}>删除</Button>
                </Space>
                {rowError(i) && <div role="alert" style={{ color: '#ff4d4f' }}>{rowError(i)}</div>}
              </div>
            ))}
            <Button onClick={() => setRows([...rows, { id: Math.max(...rows.map((r) => r.id)) + 1, key: '', name: '', weightPercent: '', direction: 'higher-better' }])}>添加指标</Button>
          </Form.Item>
          <Space wrap align="start">
            <Form.Item label="末位比例（%）" htmlFor="policy-share" {...field('rule.bottomShareBp')}>
              <Input id="policy-share" inputMode="decimal" suffix="%" value={share} onChange={(e) => setShare(e.target.value)} />
            </Form.Item>
            <Form.Item label="末位个数取整">
              <Select<'ceil' | 'floor'> aria-label="末位个数取整" style={{ width: 140 }} value={rounding} onChange={setRounding} options={[{ value: 'ceil', label: '向上取整' }, { value: 'floor', label: '向下取整' }]} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </>
  );
}
