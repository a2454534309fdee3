import { Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ApiError, must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { MoneyInput } from '../../components/MoneyInput';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime, beijingDay } from '../../lib/dates';
import { usePaged } from '../../lib/paged';
import { currentRoute, navigate } from '../../lib/router';
import { ownVillageRefusal, parseCriteria, type Organisation } from '../../lib/social';
import { paying, query, useAct } from './acting';
import { ListCard } from './ListCard';

type VentureView = Schemas['SocialVentureRoundView'];
type RoundSummary = Schemas['SocialVentureRoundSummary'];

const ventureStatusNames: Record<RoundSummary['status'], string> = { open: '申报评审中', awarded: '已排序待财政审批', approved: '已审批', rejected: '财政已退回' };

/** The township's rounds, newest first (one year's, or all), each opening its detail. */
export function VentureRoundList({ township, year, selected, onOpen, refresh }: { readonly township: string; readonly year: number | undefined; readonly selected: string; readonly onOpen: (id: string) => void; readonly refresh: number }) {
  const { user } = useConsole();
  const list = usePaged(async (c, cursor) => must(await c.GET('/social/venture-rounds', { params: { query: { township, limit: 20, ...(year ? { year } : {}), ...(cursor ? { cursor } : {}) } } })), [township, year, refresh]);
  return (
    <ListCard<RoundSummary>
      title={year ? `${year} 年创投轮次` : '创投轮次（全部年度）'}
      list={list}
      selected={selected}
      empty="暂无创投轮次"
      name={{ title: '名称', text: (r) => r.name, onOpen }}
      columns={[
        { title: '年度', dataIndex: 'year' },
        { title: '状态', render: (_, r) => <Tag color="blue">{ventureStatusNames[r.status]}</Tag> },
        { title: '资金总额', align: 'right', render: (_, r) => <Yuan fen={r.budgetFen} /> },
        { title: '申报期', render: (_, r) => `${r.opensOn} 至 ${r.closesOn}` },
        { title: user.roles.includes('village') ? '本村获资助' : '资助项目', render: (_, r) => (r.awardCount > 0 ? <span>{r.awardCount} 个，<Yuan fen={r.awardedFen} /></span> : '—') },
      ]}
    />
  );
}

/** 公益创投: the township's rounds (by year), open a round, proposals, reviewers' scores, the ranked award list, finance's approval, two instalments. */
export function Venture({ township, year, onPaid }: { readonly township: string; readonly year: number | undefined; readonly onPaid?: () => void }) {
  const { client, user } = useConsole();
  const [id, setId] = useState(query().get('venture') ?? '');
  const view = useLoad(async (c) => (id ? must(await c.GET('/social/venture-rounds/{id}', { params: { path: { id } } })) : undefined), [id]);
  const { error, busy, act } = useAct(view.reload);
  const v: VentureView | undefined = view.data;
  const roundYear = year ?? Number(beijingDay(new Date()).slice(0, 4));
  const [draft, setDraft] = useState({ name: `${roundYear}年公益创投`, budgetFen: undefined as number | undefined, opensOn: beijingDay(new Date()), closesOn: '', criteria: '公益性:40，可行性:30，预算合理性:30', reviewers: '' });
  // Opening a round keeps the screen it was opened from (经费, or the village's 公益创投).
  const open = (next: string) => {
    setId(next);
    navigate(`${currentRoute().split('?')[0] ?? ''}?venture=${encodeURIComponent(next)}`);
  };
  const [listed, setListed] = useState(0);

  const create = () =>
    act(async () => {
      const created = must(
        await client.POST('/social/venture-rounds', {
          body: {
            township,
            year: roundYear,
            name: draft.name.trim(),
            budgetFen: draft.budgetFen ?? 0,
            opensOn: draft.opensOn,
            closesOn: draft.closesOn,
            criteria: parseCriteria(draft.criteria),
            reviewers: draft.reviewers.split(/[,，\s]+/).filter(Boolean).map((s) => { const [sub, village] = s.split('@'); return { sub: sub ?? s, ...(village ? { village } : {}) }; }),
          },
        }),
      );
      setListed((n) => n + 1);
      open(created.round.id);
    }, '已发布创投');

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <VentureRoundList township={township} year={year} selected={id} onOpen={open} refresh={listed} />
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
      {v && <VentureRound view={v} reload={() => { view.reload(); onPaid?.(); }} />}
    </Space>
  );
}

export function VentureRound({ view, reload }: { readonly view: VentureView; readonly reload: () => void }) {
  const { client, user } = useConsole();
  const { error, busy, act } = useAct(reload);
  const r = view.round;
  const isReviewer = r.reviewers.some((x) => x.sub === user.sub);
  const isVillage = user.roles.includes('village');
  const paid = (orgId: string, n: number) => view.instalments.find((i) => i.organisationId === orgId && i.n === n);
  return (
    <Card size="small" title={r.name}>
      <ErrorAlert error={error} />
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="状态">
          <Tag color="blue">{ventureStatusNames[r.status]}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="资金总额">
          <Yuan fen={r.budgetFen} />
        </Descriptions.Item>
        <Descriptions.Item label="申报期">{`${r.opensOn} 至 ${r.closesOn}`}</Descriptions.Item>
        <Descriptions.Item label="评审标准">{r.criteria.map((c) => `${c.name}（${c.maxPoints}分）`).join('、')}</Descriptions.Item>
        {r.reviewers.length > 0 && <Descriptions.Item label="评审人">{r.reviewers.map((x) => x.sub).join('、')}</Descriptions.Item>}
      </Descriptions>
      {isVillage && r.status === 'open' && <ProposalForm roundId={r.id} onDone={reload} />}
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
              // A village sees its own awards only: their place in the list would say nothing.
              ...(isVillage ? [] : [{ title: '名次', render: (_: unknown, __: unknown, i: number) => i + 1 }]),
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
  // The API takes a proposal of a filed or an active organisation: both are offered.
  const orgs = useLoad(async (c) => must(await c.GET('/social/organisations', { params: { query: { division: user.division, limit: 100 } } })).items.filter((o) => o.status === 'filed' || o.status === 'active'), [user.division]);
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
