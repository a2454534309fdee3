import { Alert, Button, Card, Input, InputNumber, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type ApiClient, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import type { Organisation } from '../../lib/social';

type Report = Schemas['SocialAnnualReport'];
interface Row {
  readonly organisation: Organisation;
  readonly report: Report | undefined;
}

/** The organisations that owe a report (filed or active) in a jurisdiction, up to 500, with their report of `year`. */
async function reportRows(client: ApiClient, division: string, year: number): Promise<{ rows: Row[]; more: boolean }> {
  const owing: Organisation[] = [];
  let more = false;
  for (const status of ['active', 'filed'] as const) {
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = must(await client.GET('/social/organisations', { params: { query: { division, status, limit: 100, ...(cursor ? { cursor } : {}) } } }));
      owing.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    more ||= cursor !== undefined;
  }
  const rows = await Promise.all(
    owing.map(async (organisation): Promise<Row> => {
      const reports = must(await client.GET('/social/organisations/{id}/reports', { params: { path: { id: organisation.id } } })).items;
      return { organisation, report: reports.find((r) => r.year === year) };
    }),
  );
  // Those without a report first: they are what the township chases.
  return { rows: rows.sort((a, b) => Number(a.report !== undefined) - Number(b.report !== undefined) || a.organisation.village.localeCompare(b.organisation.village)), more };
}

/**
 * 年度报告: who has filed the year's report and who has not (flagged: they cannot be graded); the
 * township starts the reminders. A village files its organisation's report on the organisation's screen.
 */
export default function Reports() {
  const { client, user } = useConsole();
  const [division, setDivision] = useState(user.division);
  const [year, setYear] = useState(Number(beijingDay(new Date()).slice(0, 4)) - 1);
  const list = useLoad((c) => reportRows(c, division, year), [division, year]);
  const [error, setError] = useState<unknown>();
  const rows = list.data?.rows ?? [];
  const missing = rows.filter((r) => !r.report).length;
  const township = division.length >= 9 ? division.slice(0, 9) : undefined;
  const mayRemind = township !== undefined && user.roles.some((r) => r === 'township' || r === 'admin');

  const remind = async () => {
    if (!township) return;
    setError(undefined);
    try {
      must(await client.POST('/social/townships/{township}/reports/{year}/reminders', { params: { path: { township, year } } }));
      void message.success('已启动年度报告催报');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>年度报告</Typography.Title>
      <ErrorAlert error={list.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label="区划代码" placeholder="乡镇或村代码" defaultValue={division} onSearch={(v) => setDivision(v.trim() || user.division)} style={{ width: 240 }} enterButton="查询" />
        <span>年度</span>
        <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        {mayRemind && <Button onClick={() => void remind()}>启动催报提醒</Button>}
      </Space>
      {list.data && (
        <Alert style={{ marginBottom: 12 }} type={missing > 0 ? 'warning' : 'success'} showIcon message={missing > 0 ? `${rows.length} 个组织中 ${missing} 个未报送 ${year} 年度报告（未报送的不能参加等级评定）` : `${rows.length} 个组织均已报送 ${year} 年度报告`} />
      )}
      {list.data?.more && <Alert style={{ marginBottom: 12 }} type="info" message="组织较多，仅列出前 500 个，请按乡镇或村查询" />}
      <Card size="small">
        <Table<Row>
          rowKey={(r) => r.organisation.id}
          size="small"
          loading={list.loading}
          pagination={false}
          scroll={{ x: 900 }}
          dataSource={rows}
          columns={[
            { title: '组织', render: (_, r) => <a href={`#/social/organisations/${r.organisation.id}`}>{r.organisation.name}</a> },
            { title: '村', render: (_, r) => r.organisation.village },
            { title: '报送情况', render: (_, r) => (r.report ? (r.report.onTime ? <Tag color="green">已按时报送</Tag> : <Tag color="orange">逾期报送</Tag>) : <Tag color="red">未报送</Tag>) },
            { title: '开展活动', align: 'right', render: (_, r) => r.report?.activities ?? '—' },
            { title: '服务人数', align: 'right', render: (_, r) => r.report?.peopleServed ?? '—' },
            { title: '收入', align: 'right', render: (_, r) => <Yuan fen={r.report?.incomeFen} /> },
            { title: '支出', align: 'right', render: (_, r) => <Yuan fen={r.report?.spendingFen} /> },
          ]}
        />
      </Card>
    </>
  );
}
