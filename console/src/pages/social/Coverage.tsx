import { Button, Card, Col, Input, List, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { download, must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useConsole, useLoad } from '../../lib/context';
import { useTownshipNames } from '../../lib/divisions';
import { categoryKeys, type CategoryKey } from '../../lib/social';

type Coverage = Schemas['SocialCoverage'];
type VillageRow = Coverage['villages'][number];
type TownshipRow = Coverage['townships'][number];

/** Organisations per 1,000 residents from the API's hundredths: 250 → "2.50". */
const per1000 = (hundredths: number | undefined) => (hundredths === undefined ? '—' : `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`);

/**
 * 覆盖情况: villages × categories against the 5–8 target, the township and county roll-ups,
 * villages below 5, villages missing a category, organisations per 1,000 residents, the trend by
 * year; the grid downloads as CSV or XLSX from the API's export routes.
 */
export default function Coverage() {
  const { user, config, auth } = useConsole();
  const [division, setDivision] = useState(user.division);
  // A county answers from its township roll-ups; its villages come a page at a time (cursor).
  const county = division.length === 6;
  const [cursor, setCursor] = useState<string>();
  const coverage = useLoad(async (c) => must(await c.GET('/social/coverage', { params: { query: county ? { division, villages: 'all', ...(cursor ? { cursor } : {}) } : { division } } })), [division, cursor]);
  const townshipName = useTownshipNames(user.division);
  const [error, setError] = useState<unknown>();
  const cov = coverage.data;
  const names = cov?.categoryNames ?? {};
  const categoryColumns = categoryKeys.map((k) => ({ title: names[k] ?? k, align: 'right' as const, render: (_: unknown, r: { categories: Record<CategoryKey, number> }) => r.categories[k] }));

  const save = async (kind: 'csv' | 'xlsx') => {
    setError(undefined);
    try {
      await download(config.apiUrl, `/social/coverage.${kind}?division=${encodeURIComponent(division)}`, await auth.token(), `social-coverage-${division}.${kind}`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>覆盖情况</Typography.Title>
      <ErrorAlert error={coverage.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label="区划代码" placeholder="区县、乡镇或村代码" defaultValue={division} onSearch={(v) => {
            setCursor(undefined);
            setDivision(v.trim() || user.division);
          }} style={{ width: 260 }} enterButton="查询" />
        <Button onClick={() => void save('csv')}>下载 CSV</Button>
        <Button onClick={() => void save('xlsx')}>下载 XLSX</Button>
      </Space>
      {cov && (
        <>
          <Row gutter={12}>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title="组织总数（已备案、活动中）" value={cov.summary.total} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title="村数" value={cov.summary.villages ?? '—'} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={`未达 ${cov.target.minimum} 个的村`} value={cov.summary.villagesBelowTarget ?? '—'} valueStyle={(cov.summary.villagesBelowTarget ?? 0) > 0 ? { color: '#cf1322' } : undefined} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title="每千名居民组织数" value={per1000(cov.summary.per1000Hundredths)} />
              </Card>
            </Col>
          </Row>

          {cov.townships.length > 0 && (
            <Card size="small" title="按乡镇汇总" style={{ marginTop: 12 }}>
              <Table<TownshipRow>
                rowKey="township"
                size="small"
                pagination={false}
                scroll={{ x: 900 }}
                dataSource={cov.townships}
                columns={[
                  { title: '乡镇', render: (_, t) => townshipName(t.township) },
                  { title: '村数', align: 'right', render: (_, t) => t.villages ?? '—' },
                  ...categoryColumns,
                  { title: '合计', dataIndex: 'total', align: 'right' },
                  { title: '未达标村数', align: 'right', render: (_, t) => t.villagesBelowTarget ?? '—' },
                ]}
              />
            </Card>
          )}

          <Card
            size="small"
            title={`村 × 类别（目标每村 ${cov.target.minimum}–${cov.target.maximum} 个）${county ? '：本页各村' : ''}`}
            style={{ marginTop: 12 }}
            extra={
              county && (
                <Space>
                  <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>
                    第一页
                  </Button>
                  <Button size="small" disabled={!cov.nextCursor} onClick={() => setCursor(cov.nextCursor)}>
                    下一页
                  </Button>
                </Space>
              )
            }
          >
            <Table<VillageRow>
              rowKey="village"
              size="small"
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              scroll={{ x: 1100 }}
              dataSource={cov.villages}
              columns={[
                { title: '村', render: (_, v) => `${v.name}（${v.village}）` },
                ...categoryColumns,
                { title: '合计', align: 'right', render: (_, v) => (v.belowTarget ? <Tag color="red">{v.total}</Tag> : v.total) },
                { title: '人口', dataIndex: 'population', align: 'right' },
                { title: '每千人', align: 'right', render: (_, v) => per1000(v.per1000Hundredths) },
              ]}
            />
          </Card>

          <Row gutter={12} style={{ marginTop: 12 }}>
            <Col xs={24} md={12}>
              <Card size="small" title={`未达 ${cov.target.minimum} 个的村（${cov.belowTarget.length}）`}>
                <List size="small" dataSource={cov.villages.filter((v) => v.belowTarget)} renderItem={(v) => <List.Item>{`${v.name}（${v.village}）：${v.total} 个`}</List.Item>} />
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title="缺少类别的村">
                <Table
                  rowKey="key"
                  size="small"
                  pagination={false}
                  dataSource={categoryKeys.map((k) => ({ key: k, name: names[k] ?? k, villages: cov.missingByCategory[k] ?? [] }))}
                  columns={[
                    { title: '类别', dataIndex: 'name' },
                    { title: '缺少的村数', align: 'right', render: (_, r) => r.villages.length },
                  ]}
                />
              </Card>
            </Col>
          </Row>

          <Card size="small" title="逐年趋势" style={{ marginTop: 12 }}>
            <Table
              rowKey="year"
              size="small"
              pagination={false}
              dataSource={cov.trend}
              columns={[
                { title: '年份', dataIndex: 'year' },
                { title: '年末组织数', dataIndex: 'organisations', align: 'right' },
              ]}
            />
          </Card>
        </>
      )}
    </>
  );
}
