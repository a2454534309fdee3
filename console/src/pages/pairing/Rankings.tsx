import { Button, Card, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography, Upload, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { categories, percent } from '../../lib/pairing';
import { navigate } from '../../lib/router';
import { useNames } from './shared';

type Ranking = Schemas['PairingRanking'];
type Result = Ranking['results'][number];

/** 排名与整顿: the yearly rankings by category (示范 / 创优 / 强基) with the bottom share marked; an admin runs one from a CSV of indicator values. */
export default function Rankings() {
  const { client, user } = useConsole();
  const county = user.division.slice(0, 6);
  const names = useNames(user.division);
  const isAdmin = user.roles.includes('admin');
  const rankings = useLoad(async (c) => must(await c.GET('/pairing/rankings', { params: { query: { county, limit: 100 } } })).items, [county]);
  const policies = useLoad(async (c) => (isAdmin ? must(await c.GET('/pairing/ranking-policies', { params: { query: { county, limit: 100 } } })).items : []), [county]);
  const [chosen, setChosen] = useState<string>();
  const ranking = rankings.data?.find((r) => r.id === chosen) ?? rankings.data?.[0];
  const [policyId, setPolicyId] = useState<string>();
  const [year, setYear] = useState<number | null>(new Date().getFullYear());
  const [division, setDivision] = useState(county);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const policy = policyId ?? policies.data?.[0]?.id;

  const run = async (file: File) => {
    if (!policy || !year) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const text = await file.text();
      const made = must(
        await client.POST('/pairing/rankings/csv', { params: { query: { policyId: policy, division, year } }, body: text, bodySerializer: (b: string) => b, headers: { 'content-type': 'text/csv; charset=utf-8' } }),
      );
      void message.success('排名已完成');
      setChosen(made.id);
      rankings.reload();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={3}>排名与整顿</Typography.Title>
      <ErrorAlert error={rankings.error ?? policies.error ?? failure} />
      {isAdmin && (
        <Card size="small" title="年度排名" style={{ marginBottom: 12 }}>
          <Space wrap>
            <Select aria-label="排名办法" placeholder="排名办法" style={{ width: 260 }} value={policy} onChange={(v: string) => setPolicyId(v)} options={(policies.data ?? []).map((p) => ({ value: p.id, label: p.name }))} />
            <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => setYear(v)} />
            <Input aria-label="区划代码" style={{ width: 160 }} value={division} onChange={(e) => setDivision(e.target.value.trim())} />
            <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(file) => { void run(file); return false; }}>
              <Button type="primary" loading={busy} disabled={!policy || !year}>
                上传指标 CSV 并排名
              </Button>
            </Upload>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            CSV 第一列为村代码，其余每列为一项指标（列名为指标代码或名称），每个村一行。
          </Typography.Paragraph>
        </Card>
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label="排名" placeholder="排名" style={{ width: 360 }} value={ranking?.id} onChange={(v: string) => setChosen(v)} options={(rankings.data ?? []).map((r) => ({ value: r.id, label: `${r.year} 年度 · ${r.division} · ${beijingDateTime(r.createdAt)}` }))} />
        <Button onClick={() => navigate('/pairing/cases')}>整顿村</Button>
      </Space>
      {ranking && (
        <Card size="small" title={`${ranking.year} 年度排名（倒排 ${percent(ranking.rule.bottomShareBp)} 整顿）`}>
          <Tabs
            items={categories.map((cat) => {
              const rows = ranking.results.filter((r) => r.category === cat).sort((a, b) => a.rank - b.rank || a.village.localeCompare(b.village));
              return {
                key: cat,
                label: `${cat}（${rows.length}）`,
                children: (
                  <Table<Result>
                    rowKey="village"
                    size="small"
                    pagination={false}
                    dataSource={rows}
                    scroll={{ x: 900 }}
                    rowClassName={(r) => (r.bottom ? 'ranking-bottom' : '')}
                    columns={[
                      { title: '名次', render: (_, r) => `${r.rank} / ${r.inCategory}` },
                      { title: '村', render: (_, r) => names.village(r.village) },
                      { title: '得分', render: (_, r) => (r.score / 100).toFixed(2) },
                      ...ranking.rule.indicators.map((i) => ({ title: i.name, render: (_: unknown, r: Result) => r.values[i.key] ?? '—' })),
                      { title: '倒排', render: (_, r) => (r.bottom ? <Space size={4}><Tag color="red">倒排整顿</Tag>{r.caseId && <LinkButton onClick={() => navigate(`/pairing/cases/${r.caseId}`)}>查看整顿</LinkButton>}</Space> : '') },
                    ]}
                  />
                ),
              };
            })}
          />
        </Card>
      )}
    </>
  );
}
