import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { BudgetBar } from '../../components/BudgetBar';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { MoneyInput } from '../../components/MoneyInput';
import { TownshipPicker } from './TownshipPicker';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime, beijingDay } from '../../lib/dates';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';
import type { Organisation } from '../../lib/social';
import { paying, query, useAct, usePoll } from './acting';
import { ListCard } from './ListCard';
import { Venture } from './Venture';

type RewardView = Schemas['SocialRewardRunView'];
type Contract = Schemas['SocialServiceContract'];
type ContractSummary = Schemas['SocialServiceContractSummary'];

/** 经费: the township's yearly budget and the three instruments drawing on it. */
export default function Funding() {
  const { user } = useConsole();
  const [township, setTownship] = useState(query().get('township') ?? (user.division.length >= 9 ? user.division.slice(0, 9) : ''));
  const [year, setYear] = useState(Number(query().get('year') ?? beijingDay(new Date()).slice(0, 4)));
  // A payment on any tab spends the budget: the bar is read again after each.
  const [spent, setSpent] = useState(0);
  const paid = () => setSpent((n) => n + 1);
  return (
    <>
      <Typography.Title level={3}>村级社会组织经费</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <TownshipPicker value={township} onChange={setTownship} />
        <span>年度</span>
        <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
      </Space>
      {township === '' ? (
        <Typography.Text type="secondary">请选择乡镇。</Typography.Text>
      ) : (
        <>
          <BudgetCard township={township} year={year} spent={spent} />
          <Tabs
            style={{ marginTop: 12 }}
            defaultActiveKey={query().get('venture') ? 'venture' : query().get('contract') ? 'services' : 'reward'}
            items={[
              { key: 'reward', label: '以奖代补', children: <RewardRun township={township} year={year} onPaid={paid} /> },
              { key: 'venture', label: '公益创投', children: <Venture township={township} year={year} onPaid={paid} /> },
              { key: 'services', label: '购买服务', children: <Services township={township} year={year} onPaid={paid} /> },
            ]}
          />
        </>
      )}
    </>
  );
}

function BudgetCard({ township, year, spent }: { readonly township: string; readonly year: number; readonly spent: number }) {
  const { client, user } = useConsole();
  const budget = useLoad(async (c) => {
    const res = await c.GET('/social/budgets/{township}/{year}', { params: { path: { township, year } } });
    return res.response.status === 404 ? null : must(res);
  }, [township, year, spent]);
  const { error, busy, act } = useAct(budget.reload);
  const [amount, setAmount] = useState<number | undefined>();
  const b = budget.data;
  return (
    <Card size="small" title={`${year} 年专项经费`}>
      <ErrorAlert error={budget.error ?? error} />
      {b === null && <Typography.Text type="secondary">尚未下达</Typography.Text>}
      {b && <BudgetBar budget={{ appropriatedFen: b.appropriatedFen, reservedFen: 0, paidFen: b.spentFen, availableFen: b.availableFen }} />}
      {b && (
        <Typography.Paragraph style={{ marginTop: 4, marginBottom: 0 }}>
          已支出 <Yuan fen={b.spentFen} />，剩余 <Yuan fen={b.availableFen} />
        </Typography.Paragraph>
      )}
      {user.roles.includes('finance') && (
        <Space style={{ marginTop: 8 }} wrap>
          <MoneyInput aria-label="追加预算（元）" value={amount} onChange={setAmount} />
          <Button type="primary" loading={busy} disabled={!amount} onClick={() => void act(async () => amount && must(await client.POST('/social/budgets/{township}/{year}/raise', { params: { path: { township, year } }, body: { amountFen: amount } })), '预算已下达')}>
            下达预算
          </Button>
        </Space>
      )}
    </Card>
  );
}

/** 以奖代补: the township computes the run of its published grading round; finance approves with exclusions; the lines are paid. */
function RewardRun({ township, year, onPaid }: { readonly township: string; readonly year: number; readonly onPaid: () => void }) {
  const { client, user } = useConsole();
  const roundId = `sgr-${township}-${year}`;
  const runId = `srr-${township}-${year}`;
  const view = useLoad(async (c) => {
    const res = await c.GET('/social/reward-runs/{id}', { params: { path: { id: runId } } });
    return res.response.status === 404 ? null : must(res);
  }, [runId]);
  const round = useLoad(async (c) => {
    const res = await c.GET('/social/grading-rounds/{id}', { params: { path: { id: roundId } } });
    return res.response.status === 404 ? null : must(res);
  }, [roundId]);
  const { error, busy, act } = useAct(() => { view.reload(); onPaid(); });
  const [table, setTable] = useState<Record<string, number | undefined>>({});
  const [excluded, setExcluded] = useState<Record<string, string>>({});
  const v: RewardView | null | undefined = view.data;
  // A run the workflow is still computing, or approved and still paying, is re-read until it moves on.
  const settling = v?.run.status === 'computing' || v?.run.status === 'approved';
  usePoll(view, settling === true);
  const grades = round.data?.scale.grades ?? [];

  if (v === null)
    return (
      <Card size="small">
        <ErrorAlert error={view.error ?? error} />
        {round.data?.status !== 'published' ? (
          <Typography.Text type="secondary">{year} 年等级评定公布后，乡镇可按等级计算以奖代补。</Typography.Text>
        ) : user.roles.includes('township') ? (
          <Form layout="vertical" component="div" style={{ maxWidth: 480 }}>
            <Typography.Paragraph>每个等级的奖励金额（元）：</Typography.Paragraph>
            {grades.map((g) => (
              <Form.Item key={g.grade} label={`${g.grade} 级`} htmlFor={`rw-${g.grade}`}>
                <MoneyInput id={`rw-${g.grade}`} aria-label={`${g.grade} 级奖励（元）`} value={table[g.grade]} onChange={(fen) => setTable({ ...table, [g.grade]: fen })} />
              </Form.Item>
            ))}
            <Button type="primary" loading={busy} onClick={() => void act(async () => must(await client.POST('/social/reward-runs', { body: { roundId, table: grades.filter((g) => table[g.grade] !== undefined).map((g) => ({ grade: g.grade, amountFen: table[g.grade] ?? 0 })) } })), '已计算，等待财政审批')}>
              计算奖励
            </Button>
          </Form>
        ) : (
          <Typography.Text type="secondary">乡镇尚未计算本年度以奖代补。</Typography.Text>
        )}
      </Card>
    );
  if (!v) return <ErrorAlert error={view.error} />;
  const run = v.run;
  const outcome = (orgId: string) => v.outcomes.find((o) => o.organisationId === orgId);
  const mayApprove = user.roles.includes('finance') && run.status === 'awaiting-finance';
  const total = run.lines.reduce((s, l) => s + l.amountFen, 0);
  return (
    <Card size="small">
      <ErrorAlert error={view.error ?? error} />
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="状态">
          <Tag color="blue">{{ computing: '计算中', 'awaiting-finance': '待财政审批', approved: '已审批，支付中', paid: '已支付', rejected: '财政已退回', failed: '失败' }[run.status]}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="合计">
          <Yuan fen={total} />
        </Descriptions.Item>
        <Descriptions.Item label="奖励标准">{run.table.map((t) => `${t.grade}：${(t.amountFen / 100).toLocaleString('zh-CN')} 元`).join('；')}</Descriptions.Item>
      </Descriptions>
      <Table
        rowKey="organisationId"
        size="small"
        pagination={false}
        scroll={{ x: 800 }}
        dataSource={run.lines}
        columns={[
          { title: '组织', dataIndex: 'name' },
          { title: '村', dataIndex: 'village' },
          { title: '等级', dataIndex: 'grade' },
          { title: '奖励', align: 'right', render: (_, l) => <Yuan fen={l.amountFen} /> },
          {
            title: '结果',
            render: (_, l) => {
              const ex = run.exclusions.find((e) => e.organisationId === l.organisationId);
              if (ex) return <Tag>剔除：{ex.reason}</Tag>;
              const o = outcome(l.organisationId);
              return o ? <Tag color={o.outcome === 'paid' ? 'green' : 'red'}>{o.outcome === 'paid' ? '已支付' : '预算不足'}</Tag> : '—';
            },
          },
          ...(mayApprove
            ? [
                {
                  title: '剔除（须填写理由）',
                  render: (_: unknown, l: (typeof run.lines)[number]) => (
                    <Space>
                      <Checkbox aria-label={`剔除 ${l.name}`} checked={excluded[l.organisationId] !== undefined} onChange={(e) => { const next = { ...excluded }; if (e.target.checked) next[l.organisationId] = ''; else delete next[l.organisationId]; setExcluded(next); }} />
                      {excluded[l.organisationId] !== undefined && <Input aria-label={`剔除 ${l.name} 的理由`} size="small" value={excluded[l.organisationId]} onChange={(e) => setExcluded({ ...excluded, [l.organisationId]: e.target.value })} />}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {mayApprove && (
        <Button
          type="primary"
          style={{ marginTop: 8 }}
          loading={busy}
          onClick={() => {
            const exclusions = Object.entries(excluded).map(([organisationId, reason]) => ({ organisationId, reason: reason.trim() }));
            if (exclusions.some((e) => e.reason === '')) {
              void act(() => Promise.reject(new Error('剔除须填写理由')), '');
              return;
            }
            void act(() => paying(client.POST('/social/reward-runs/{id}/approve', { params: { path: { id: run.id } }, body: { exclusions } })), '已审批，开始支付');
          }}
        >
          审批并支付
        </Button>
      )}
      {settling && <Alert style={{ marginTop: 8 }} type="info" showIcon message={`支付中：${v.outcomes.length} / ${run.lines.length - run.exclusions.length}`} />}
    </Card>
  );
}

/** The township's contracts of the year (one organisation's when chosen), newest first, each opening its detail. */
function ContractList({ township, year, selected, onOpen, refresh }: { readonly township: string; readonly year: number; readonly selected: string; readonly onOpen: (id: string) => void; readonly refresh: number }) {
  const [organisationId, setOrganisationId] = useState<string | undefined>();
  const orgs = useLoad(async (c) => must(await c.GET('/social/organisations', { params: { query: { division: township, limit: 100 } } })).items, [township]);
  const list = usePaged(async (c, cursor) => must(await c.GET('/social/service-contracts', { params: { query: { township, year, limit: 20, ...(organisationId ? { organisationId } : {}), ...(cursor ? { cursor } : {}) } } })), [township, year, organisationId, refresh]);
  return (
    <ListCard<ContractSummary>
      title={`${year} 年购买服务合同`}
      extra={<Select aria-label="按组织筛选" allowClear placeholder="全部组织" style={{ width: 240 }} value={organisationId} onChange={(v: string | undefined) => setOrganisationId(v)} options={(orgs.data ?? []).map((o: Organisation) => ({ value: o.id, label: o.name }))} />}
      list={list}
      selected={selected}
      empty="暂无合同"
      name={{ title: '服务名称', text: (k) => k.title, onOpen }}
      columns={[
        { title: '组织', dataIndex: 'organisationName' },
        { title: '合同金额', align: 'right', render: (_, k) => <Yuan fen={k.totalFen} /> },
        { title: '已支付期数', render: (_, k) => `${k.instalmentsPaid} / ${k.instalments}` },
        { title: '已支付', align: 'right', render: (_, k) => <Yuan fen={k.paidFen} /> },
        { title: '状态', render: (_, k) => (k.status === 'completed' ? '已完成' : '执行中') },
      ]}
    />
  );
}

/** 购买服务: the township's contracts; a contract with its deliverables; accepting a deliverable pays its instalment. */
function Services({ township, year, onPaid }: { readonly township: string; readonly year: number; readonly onPaid: () => void }) {
  const { client, user } = useConsole();
  const [id, setId] = useState(query().get('contract') ?? '');
  const contract = useLoad(async (c) => (id ? must(await c.GET('/social/service-contracts/{id}', { params: { path: { id } } })) : undefined), [id]);
  const [listed, setListed] = useState(0);
  const { error, busy, act } = useAct(() => { contract.reload(); onPaid(); setListed((n) => n + 1); });
  const [draft, setDraft] = useState({ organisationId: '', title: '', deliverables: [{ description: '', amountFen: undefined as number | undefined, dueOn: '' }] });
  const open = (next: string) => {
    setId(next);
    navigate(`/social/funding?contract=${encodeURIComponent(next)}`);
  };
  const c: Contract | undefined = contract.data;
  const isTownship = user.roles.includes('township');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <ContractList township={township} year={year} selected={id} onOpen={open} refresh={listed} />
      <ErrorAlert error={contract.error ?? error} />
      <Input.Search aria-label="合同编号" placeholder="合同编号（ssc-…）" defaultValue={id} onSearch={(s) => s.trim() && open(s.trim())} style={{ maxWidth: 460 }} enterButton="打开" />
      {!c && isTownship && (
        <Card size="small" title="签订购买服务合同">
          <Form layout="vertical" component="div" style={{ maxWidth: 640 }}>
            <Form.Item label="组织编号" htmlFor="sc-org">
              <Input id="sc-org" value={draft.organisationId} onChange={(e) => setDraft({ ...draft, organisationId: e.target.value.trim() })} />
            </Form.Item>
            <Form.Item label="服务名称" htmlFor="sc-title">
              <Input id="sc-title" value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
            </Form.Item>
            {draft.deliverables.map((d, i) => (
              <Space key={i} wrap align="start">
                <Input aria-label={`第 ${i + 1} 项成果`} placeholder={`第 ${i + 1} 项成果`} value={d.description} onChange={(e) => setDraft({ ...draft, deliverables: draft.deliverables.map((x, j) => (j === i ? { ...x, description: e.target.value } : x)) })} style={{ width: 220 }} />
                <MoneyInput aria-label={`第 ${i + 1} 期金额（元）`} value={d.amountFen} onChange={(amountFen) => setDraft({ ...draft, deliverables: draft.deliverables.map((x, j) => (j === i ? { ...x, amountFen } : x)) })} />
                <DatePicker aria-label={`第 ${i + 1} 项到期日`} value={d.dueOn ? dayjs(d.dueOn) : null} onChange={(v) => setDraft({ ...draft, deliverables: draft.deliverables.map((x, j) => (j === i ? { ...x, dueOn: v ? v.format('YYYY-MM-DD') : '' } : x)) })} />
              </Space>
            ))}
            <Space style={{ marginTop: 8 }}>
              <Button onClick={() => setDraft({ ...draft, deliverables: [...draft.deliverables, { description: '', amountFen: undefined, dueOn: '' }] })}>增加一项</Button>
              <Button
                type="primary"
                loading={busy}
                onClick={() =>
                  void act(async () => {
                    const created = must(await client.POST('/social/service-contracts', { body: { organisationId: draft.organisationId, title: draft.title.trim(), year, deliverables: draft.deliverables.map((d) => ({ description: d.description.trim(), amountFen: d.amountFen ?? 0, dueOn: d.dueOn })) } }));
                    open(created.id);
                  }, '已签订')
                }
              >
                签订合同
              </Button>
            </Space>
          </Form>
        </Card>
      )}
      {c && (
        <Card size="small" title={`${c.title}（${c.organisationName}）`}>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="状态">{c.status === 'completed' ? '已完成' : '执行中'}</Descriptions.Item>
            <Descriptions.Item label="合同金额">
              <Yuan fen={c.totalFen} />
            </Descriptions.Item>
            <Descriptions.Item label="年度">{c.year}</Descriptions.Item>
          </Descriptions>
          <Table
            rowKey="n"
            size="small"
            pagination={false}
            dataSource={c.deliverables}
            columns={[
              { title: '期次', dataIndex: 'n' },
              { title: '成果', dataIndex: 'description' },
              { title: '金额', align: 'right', render: (_, d) => <Yuan fen={d.amountFen} /> },
              { title: '到期日', dataIndex: 'dueOn' },
              {
                title: '验收与支付',
                render: (_, d) =>
                  d.acceptedAt ? (
                    <Tag color="green">已验收并支付（{beijingDateTime(d.acceptedAt)}）</Tag>
                  ) : isTownship ? (
                    <Button size="small" loading={busy} onClick={() => void act(() => paying(client.POST('/social/service-contracts/{id}/deliverables/{n}/accept', { params: { path: { id: c.id, n: d.n } } })), '已验收，本期已支付')}>
                      验收
                    </Button>
                  ) : (
                    '待验收'
                  ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
