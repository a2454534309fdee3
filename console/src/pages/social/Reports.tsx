import { Alert, Button, Card, Col, Input, InputNumber, Row as GridRow, Space, Statistic, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { download, must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDay } from '../../lib/dates';

type Row = Schemas['SocialTownshipReportRow'];

const stateTags: Record<Row['state'], { color: string; text: string }> = {
  'on-time': { color: 'green', text: '已按时报送' },
  late: { color: 'orange', text: '逾期报送' },
  missing: { color: 'default', text: '未报送' },
  overdue: { color: 'red', text: '逾期未报' },
};

/**
 * 年度报告: who has filed the year's report and who has not (flagged: they cannot be graded), for one
 * township in one request (a village user sees its own village's rows); the township starts the
 * reminders. A village files its organisation's report on the organisation's screen.
 */
export default function Reports() {
  const { client, user, config, auth } = useConsole();
  const [township, setTownship] = useState(user.division.length >= 9 ? user.division.slice(0, 9) : '');
  const [year, setYear] = useState(Number(beijingDay(new Date()).slice(0, 4)) - 1);
  const list = useLoad(
    async (c) => (township.length === 9 ? must(await c.GET('/social/townships/{township}/reports/{year}', { params: { path: { township, year } } })) : undefined),
    [township, year],
  );
  const [error, setError] = useState<unknown>();
  const view = list.data;
  // Those without a report first: they are what the township chases.
  const rows = [...(view?.rows ?? [])].sort((a, b) => Number(!a.cannotBeGraded) - Number(!b.cannotBeGraded));
  const mayRemind = township.length === 9 && user.roles.some((r) => r === 'township' || r === 'admin');

  const remind = async () => {
    setError(undefined);
    try {
      must(await client.POST('/social/townships/{township}/reports/{year}/reminders', { params: { path: { township, year } } }));
      void message.success('已启动年度报告催报');
    } catch (err) {
      setError(err);
    }
  };
  const save = async (format: 'csv' | 'xlsx') => {
    setError(undefined);
    try {
      await download(config.apiUrl, `/social/townships/${township}/reports/${year}/export?format=${format}`, await auth.token(), `social-reports-${view?.division ?? township}-${year}.${format}`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>年度报告</Typography.Title>
      <ErrorAlert error={list.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label="乡镇代码" placeholder="乡镇代码（9位）" defaultValue={township} onSearch={(v) => setTownship(v.trim().slice(0, 9))} style={{ width: 240 }} enterButton="查询" />
        <span>年度</span>
        <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        {mayRemind && <Button onClick={() => void remind()}>启动催报提醒</Button>}
        {view && <Button onClick={() => void save('csv')}>下载 CSV</Button>}
        {view && <Button onClick={() => void save('xlsx')}>下载 XLSX</Button>}
      </Space>
      {township.length !== 9 && <Alert style={{ marginBottom: 12 }} type="info" message="请输入乡镇代码查询" />}
      {view && (
        <>
          <Alert
            style={{ marginBottom: 12 }}
            type={view.totals.missing > 0 ? 'warning' : 'success'}
            showIcon
            message={
              view.totals.missing > 0
                ? `${view.totals.expected} 个组织中 ${view.totals.missing} 个未报送 ${year} 年度报告（截止 ${view.dueDate}，未报送的不能参加等级评定）`
                : `${view.totals.expected} 个组织均已报送 ${year} 年度报告`
            }
          />
          <GridRow gutter={12} style={{ marginBottom: 12 }}>
            {(
              [
                ['应报', view.totals.expected],
                ['已报', view.totals.filed],
                ['按时', view.totals.onTime],
                ['逾期报送', view.totals.late],
                ['未报', view.totals.missing],
                ['逾期未报', view.totals.overdue],
              ] as const
            ).map(([title, value]) => (
              <Col key={title} xs={8} md={4}>
                <Card size="small">
                  <Statistic title={title} value={value} />
                </Card>
              </Col>
            ))}
          </GridRow>
        </>
      )}
      <Card size="small">
        <Table<Row>
          rowKey={(r) => r.organisationId}
          size="small"
          loading={list.loading}
          pagination={false}
          scroll={{ x: 900 }}
          dataSource={rows}
          columns={[
            { title: '组织', render: (_, r) => <a href={`#/social/organisations/${r.organisationId}`}>{r.name}</a> },
            { title: '村', render: (_, r) => r.village },
            { title: '报送情况', render: (_, r) => <Tag color={stateTags[r.state].color}>{stateTags[r.state].text}</Tag> },
            { title: '报送日期', render: (_, r) => r.filedOn ?? '—' },
            { title: '开展活动', align: 'right', render: (_, r) => r.activities ?? '—' },
            { title: '服务人数', align: 'right', render: (_, r) => r.peopleServed ?? '—' },
            { title: '收入', align: 'right', render: (_, r) => <Yuan fen={r.incomeFen} /> },
            { title: '支出', align: 'right', render: (_, r) => <Yuan fen={r.spendingFen} /> },
          ]}
        />
      </Card>
    </>
  );
}
