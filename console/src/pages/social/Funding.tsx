import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { ApiError, must, type Schemas } from '../../api/client';
import { BudgetBar } from '../../components/BudgetBar';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { MoneyInput } from '../../components/MoneyInput';
import { TownshipPicker } from './TownshipPicker';
import { useConsole, useLoad, type Loaded } from '../../lib/context';
import { beijingDateTime, beijingDay } from '../../lib/dates';
import { currentRoute, navigate } from '../../lib/router';
import { ownVillageRefusal, parseCriteria, type Organisation } from '../../lib/social';

type RewardView = Schemas['SocialRewardRunView'];
type VentureView = Schemas['SocialVentureRoundView'];
type Contract = Schemas['SocialServiceContract'];

/** Runs the action, then says so or keeps the error; a payment answered 202 (a workflow) is followed by re-reading. */
function useAct(reload: () => void) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
      void message.success(done);
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, act };
}

/**
 * A POST that pays: today it answers 200 with the resource; when it becomes a workflow it answers
 * 202 with the execution. Either is success; the screen re-reads the resource for its progress.
 */
async function paying(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<void> {
  const res = await call;
  if (res.response.status === 202) return;
  must(res);
}

/** Re-reads a resource every 2 s while `busy` says its payments are still under way. */
function usePoll(loaded: Loaded<unknown>, busy: boolean): void {
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(loaded.reload, 2000);
    return () => clearInterval(timer);
  }, [busy, loaded.reload]);
}

const query = () => new URLSearchParams(currentRoute().split('?')[1] ?? '');

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
              { key: 'services', label: '购买服务', children: <Services year={year} onPaid={paid} /> },
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

/** 公益创投: open a round, proposals, reviewers' scores, the ranked award list, finance's approval, two instalments. */
function Venture({ township, year, onPaid }: { readonly township: string; readonly year: number; readonly onPaid: () => void }) {
  const { client, user } = useConsole();
  const [id, setId] = useState(query().get('venture') ?? '');
  const view = useLoad(async (c) => (id ? must(await c.GET('/social/venture-rounds/{id}', { params: { path: { id } } })) : undefined), [id]);
  const { error, busy, act } = useAct(view.reload);
  const v: VentureView | undefined = view.data;
  const [draft, setDraft] = useState({ name: `${year}年公益创投`, budgetFen: undefined as number | undefined, opensOn: beijingDay(new Date()), closesOn: '', criteria: '公益性:40，可行性:30，预算合理性:30', reviewers: '' });
  const open = (next: string) => {
    setId(next);
    navigate(`/social/funding?venture=${encodeURIComponent(next)}`);
  };

  const create = () =>
    act(async () => {
      const created = must(
        await client.POST('/social/venture-rounds', {
          body: {
            township,
            year,
            name: draft.name.trim(),
            budgetFen: draft.budgetFen ?? 0,
            opensOn: draft.opensOn,
            closesOn: draft.closesOn,
            criteria: parseCriteria(draft.criteria),
            reviewers: draft.reviewers.split(/[,，\s]+/).filter(Boolean).map((s) => { const [sub, village] = s.split('@'); return { sub: sub ?? s, ...(village ? { village } : {}) }; }),
          },
        }),
      );
      open(created.round.id);
    }, '已发布创投');

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={view.error ?? error} />
      <Input.Search aria-label="创投轮次编号" placeholder="创投轮次编号（svr-…）" defaultValue={id} onSearch={(s) => s.trim() && open(s.trim())} style={{ maxWidth: 460 }} enterButton="打开" />
      {!v && user.roles.includes('township') && (
        <Card size="small" title="发布公益创投">
          <Form layout="vertical" component="div" style={{ maxWidth: 520 }}>
            <Form.Item label="名称" htmlFor="vr-name">
              <Input id="vr-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            </Form.Item>
            <Form.Item label="资金总额" htmlFor="vr-budget">
              <MoneyInput id="vr-budget" aria-label="资金总额（元）" value={draft.budgetFen} onChange={(budgetFen) => setDraft({ ...draft, budgetFen })} />
            </Form.Item>
            <Form.Item label="申报开始日期" htmlFor="vr-opens">
              <DatePicker id="vr-opens" value={draft.opensOn ? dayjs(draft.opensOn) : null} onChange={(d) => setDraft({ ...draft, opensOn: d ? d.format('YYYY-MM-DD') : '' })} />
            </Form.Item>
            <Form.Item label="申报截止日期" htmlFor="vr-closes">
              <DatePicker id="vr-closes" value={draft.closesOn ? dayjs(draft.closesOn) : null} onChange={(d) => setDraft({ ...draft, closesOn: d ? d.format('YYYY-MM-DD') : '' })} />
            </Form.Item>
            <Form.Item label="评审标准及满分（名称:满分，逗号分隔）" htmlFor="vr-criteria">
              <Input id="vr-criteria" value={draft.criteria} onChange={(e) => setDraft({ ...draft, criteria: e.target.value })} />
            </Form.Item>
            <Form.Item label="评审人（至少两人，逗号分隔；可写作 账号@村代码）" htmlFor="vr-reviewers">
              <Input id="vr-reviewers" value={draft.reviewers} onChange={(e) => setDraft({ ...draft, reviewers: e.target.value })} />
            </Form.Item>
            <Button type="primary" loading={busy} onClick={() => void create()}>
              发布
            </Button>
          </Form>
        </Card>
      )}
      {v && <VentureRound view={v} reload={() => { view.reload(); onPaid(); }} />}
    </Space>
  );
}

function VentureRound({ view, reload }: { readonly view: VentureView; readonly reload: () => void }) {
  const { client, user } = useConsole();
  const { error, busy, act } = useAct(reload);
  const r = view.round;
  const isReviewer = r.reviewers.some((x) => x.sub === user.sub);
  const paid = (orgId: string, n: number) => view.instalments.find((i) => i.organisationId === orgId && i.n === n);
  return (
    <Card size="small" title={r.name}>
      <ErrorAlert error={error} />
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="状态">
          <Tag color="blue">{{ open: '申报评审中', awarded: '已排序待财政审批', approved: '已审批', rejected: '财政已退回' }[r.status]}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="资金总额">
          <Yuan fen={r.budgetFen} />
        </Descriptions.Item>
        <Descriptions.Item label="申报期">{`${r.opensOn} 至 ${r.closesOn}`}</Descriptions.Item>
        <Descriptions.Item label="评审标准">{r.criteria.map((c) => `${c.name}（${c.maxPoints}分）`).join('、')}</Descriptions.Item>
        <Descriptions.Item label="评审人">{r.reviewers.map((x) => x.sub).join('、')}</Descriptions.Item>
      </Descriptions>
      {user.roles.includes('village') && r.status === 'open' && <ProposalForm roundId={r.id} onDone={reload} />}
      <Typography.Title level={5}>申报项目</Typography.Title>
      <Table
        rowKey="organisationId"
        size="small"
        pagination={false}
        scroll={{ x: 800 }}
        dataSource={view.proposals}
        columns={[
          { title: '组织', dataIndex: 'name' },
          { title: '项目', dataIndex: 'title' },
          { title: '申请金额', align: 'right', render: (_, p) => <Yuan fen={p.requestedFen} /> },
          { title: '申报时间', render: (_, p) => beijingDateTime(p.submittedAt) },
          ...(isReviewer && r.status === 'open' ? [{ title: '评分（逐项）', render: (_: unknown, p: Schemas['SocialProposal']) => <ReviewCell roundId={r.id} criteria={r.criteria} organisationId={p.organisationId} name={p.name} /> }] : []),
        ]}
      />
      {user.roles.includes('township') && r.status === 'open' && (
        <Button style={{ marginTop: 8 }} loading={busy} onClick={() => void act(async () => must(await client.POST('/social/venture-rounds/{id}/award', { params: { path: { id: r.id } } })), '已按得分排序确定资助名单')}>
          排序并确定资助名单
        </Button>
      )}
      {r.status !== 'open' && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            资助名单（按得分排序）
          </Typography.Title>
          <Table
            rowKey="organisationId"
            size="small"
            pagination={false}
            scroll={{ x: 800 }}
            dataSource={r.awards}
            columns={[
              { title: '名次', render: (_, __, i) => i + 1 },
              { title: '组织', dataIndex: 'name' },
              { title: '得分', dataIndex: 'score', align: 'right' },
              { title: '资助金额', align: 'right', render: (_, a) => <Yuan fen={a.amountFen} /> },
              { title: '第一期', render: (_, a) => (paid(a.organisationId, 1) ? <Tag color="green">已支付 <Yuan fen={paid(a.organisationId, 1)?.amountFen} /></Tag> : '未支付') },
              {
                title: '第二期（验收后）',
                render: (_, a) =>
                  paid(a.organisationId, 2) ? (
                    <Tag color="green">已支付 <Yuan fen={paid(a.organisationId, 2)?.amountFen} /></Tag>
                  ) : user.roles.includes('township') && r.status === 'approved' ? (
                    <Button size="small" loading={busy} onClick={() => void act(() => paying(client.POST('/social/venture-rounds/{id}/proposals/{organisationId}/accept', { params: { path: { id: r.id, organisationId: a.organisationId } } })), '已验收，支付第二期')}>
                      验收
                    </Button>
                  ) : (
                    '未支付'
                  ),
              },
            ]}
          />
          {r.skipped.length > 0 && <Typography.Text type="secondary">预算不足未资助：{r.skipped.length} 个项目</Typography.Text>}
          {user.roles.includes('finance') && r.status === 'awarded' && (
            <Button type="primary" style={{ marginTop: 8 }} loading={busy} onClick={() => void act(() => paying(client.POST('/social/venture-rounds/{id}/approve', { params: { path: { id: r.id } } })), '已审批，支付第一期')}>
              审批资助名单
            </Button>
          )}
        </>
      )}
    </Card>
  );
}

function ProposalForm({ roundId, onDone }: { readonly roundId: string; readonly onDone: () => void }) {
  const { client, user } = useConsole();
  const orgs = useLoad(async (c) => must(await c.GET('/social/organisations', { params: { query: { division: user.division, status: 'active', limit: 100 } } })).items, [user.division]);
  const { error, busy, act } = useAct(onDone);
  const [organisationId, setOrganisationId] = useState<string | undefined>();
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState<number | undefined>();
  return (
    <Card size="small" type="inner" title="申报项目" style={{ margin: '8px 0' }}>
      <ErrorAlert error={orgs.error ?? error} />
      <Space wrap>
        <Select aria-label="申报组织" placeholder="选择组织" style={{ width: 240 }} value={organisationId} onChange={(v: string) => setOrganisationId(v)} options={(orgs.data ?? []).map((o: Organisation) => ({ value: o.id, label: o.name }))} />
        <Input aria-label="项目名称" placeholder="项目名称" value={title} onChange={(e) => setTitle(e.target.value)} style={{ width: 240 }} />
        <MoneyInput aria-label="申请金额（元）" value={amount} onChange={setAmount} />
        <Button type="primary" loading={busy} disabled={!organisationId || !title.trim() || !amount} onClick={() => void act(async () => must(await client.POST('/social/venture-rounds/{id}/proposals', { params: { path: { id: roundId } }, body: { organisationId: organisationId ?? '', title: title.trim(), requestedFen: amount ?? 0 } })), '已申报')}>
          申报
        </Button>
      </Space>
    </Card>
  );
}

type Criterion = { readonly key: string; readonly name: string; readonly maxPoints: number };

function ReviewCell({ roundId, criteria, organisationId, name }: { readonly roundId: string; readonly criteria: readonly Criterion[]; readonly organisationId: string; readonly name: string }) {
  const { client } = useConsole();
  const [scores, setScores] = useState<Record<string, number | undefined>>({});
  const [note, setNote] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const complete = criteria.every((c) => scores[c.key] !== undefined);
  const save = async () => {
    if (!complete) return;
    setNote(undefined);
    setError(undefined);
    try {
      const body = { scores: Object.fromEntries(criteria.map((c) => [c.key, scores[c.key] ?? 0])) };
      must(await client.PUT('/social/venture-rounds/{id}/reviews/{organisationId}', { params: { path: { id: roundId, organisationId } }, body }));
      setNote('已保存');
    } catch (err) {
      const own = err instanceof ApiError && err.status === 403 ? ownVillageRefusal(err.problem?.detail) : undefined;
      if (own) setNote(own);
      else setError(err);
    }
  };
  return (
    <div>
      <Space wrap>
        {criteria.map((c) => (
          <InputNumber
            key={c.key}
            aria-label={`${name} 的「${c.name}」评分（0–${c.maxPoints}）`}
            placeholder={`${c.name} /${c.maxPoints}`}
            min={0}
            max={c.maxPoints}
            precision={0}
            value={scores[c.key]}
            onChange={(v) => setScores((prev) => ({ ...prev, [c.key]: v ?? undefined }))}
          />
        ))}
        <Button size="small" disabled={!complete} onClick={() => void save()}>
          保存
        </Button>
      </Space>
      {note && <div role="status">{note}</div>}
      <ErrorAlert error={error} />
    </div>
  );
}

/** 购买服务: a contract with its deliverables; accepting a deliverable pays its instalment. */
function Services({ year, onPaid }: { readonly year: number; readonly onPaid: () => void }) {
  const { client, user } = useConsole();
  const [id, setId] = useState(query().get('contract') ?? '');
  const contract = useLoad(async (c) => (id ? must(await c.GET('/social/service-contracts/{id}', { params: { path: { id } } })) : undefined), [id]);
  const { error, busy, act } = useAct(() => { contract.reload(); onPaid(); });
  const [draft, setDraft] = useState({ organisationId: '', title: '', deliverables: [{ description: '', amountFen: undefined as number | undefined, dueOn: '' }] });
  const open = (next: string) => {
    setId(next);
    navigate(`/social/funding?contract=${encodeURIComponent(next)}`);
  };
  const c: Contract | undefined = contract.data;
  const isTownship = user.roles.includes('township');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
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
