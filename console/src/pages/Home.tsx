import { Card, Col, List, Row, Statistic, Tag, Typography } from 'antd';
import { Yuan } from '../components/Money';
import { ErrorAlert } from '../components/ErrorAlert';
import { useConsole, useLoad } from '../lib/context';
import { beijingDateTime, deadlineState } from '../lib/dates';
import { amountOf, isRole, kindName, loadInbox, titleOf } from '../lib/inbox';
import { navigate } from '../lib/router';

/** What waits for me: my inbox count, and the decisions whose deadline is near or past. */
export default function Home() {
  const { user } = useConsole();
  const role = user.roles.find(isRole);
  const inbox = useLoad((c) => loadInbox(c, role, { maxPages: 5 }), [role]);
  const items = inbox.data?.items ?? [];
  const now = new Date();
  const past = items.filter((i) => i.actionable && deadlineState(i.deadline, now) === 'past');
  const near = items.filter((i) => i.actionable && deadlineState(i.deadline, now) === 'near');
  const urgent = [...past, ...near];
  return (
    <>
      <Typography.Title level={3}>首页</Typography.Title>
      <ErrorAlert error={inbox.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={8}>
          <Card hoverable onClick={() => navigate('/inbox')} loading={inbox.loading && !inbox.data}>
            <Statistic title="待我处理" value={inbox.data?.toDo ?? 0} suffix="项" />
          </Card>
        </Col>
        <Col xs={12} sm={8}>
          <Card loading={inbox.loading && !inbox.data}>
            <Statistic title="已逾期" value={past.length} valueStyle={{ color: past.length ? '#cf1322' : undefined }} suffix="项" />
          </Card>
        </Col>
        <Col xs={12} sm={8}>
          <Card loading={inbox.loading && !inbox.data}>
            <Statistic title="三天内到期" value={near.length} valueStyle={{ color: near.length ? '#d46b08' : undefined }} suffix="项" />
          </Card>
        </Col>
      </Row>
      <Card title="临近或已过期限" style={{ marginTop: 16 }}>
        <List
          dataSource={urgent}
          locale={{ emptyText: '没有临近期限的事项' }}
          renderItem={(i) => (
            <List.Item actions={[<a key="open" href="#/inbox">去处理</a>]}>
              <List.Item.Meta
                title={
                  <>
                    {deadlineState(i.deadline, now) === 'past' ? <Tag color="red">已逾期</Tag> : <Tag color="orange">临近期限</Tag>}
                    {kindName(i.kind)}：{titleOf(i)}
                  </>
                }
                description={
                  <>
                    期限 {beijingDateTime(i.deadline)}
                    {amountOf(i) !== undefined && (
                      <>
                        {' · 金额 '}
                        <Yuan fen={amountOf(i)} />
                      </>
                    )}
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}
