import { Alert, Button, Descriptions, Drawer, Input, Modal, Progress, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useReducer, useState } from 'react';
import { must, type Schemas } from '../api/client';
import { ErrorAlert, errorText } from '../components/ErrorAlert';
import { LinkButton } from '../components/LinkButton';
import { InboxAction } from '../components/InboxAction';
import { Yuan } from '../components/Money';
import { TimelineView } from '../components/TimelineView';
import { addPage, bulkReducer, chunks, emptySelection, failedRows, itemResultOf, mergeRetry, retryRowsOf, runPercent, selectedIds, selectionSummary, startRun, type BulkItemResult, type BulkRow, type BulkRun } from '../lib/bulk';
import { useConsole, useLoad } from '../lib/context';
import { useTownships } from '../lib/divisions';
import { beijingDateTime, deadlineState } from '../lib/dates';
import { amountOf, bulkRowOf, isRole, isShown, kindName, loadInbox, selectionRequest, titleOf, type InboxFilter, type InboxItem, type Role } from '../lib/inbox';
import { answerNames, answersOfKind, answersWithReason, decisionKindNames, name, programNames, roleNames, waitingForNames } from '../lib/labels';
import { formatYuan } from '../lib/money';
import { currentRoute, navigate } from '../lib/router';

type Filter = InboxFilter;

/** The filter in words, for the confirmation of an all-matching snapshot. */
function filterLabel(f: Filter, townshipName: (code: string) => string): string {
  const deadlines = { past: '已逾期', near: '三天内到期', 'past-or-near': '逾期或临近' } as const;
  const parts = [f.program && name(programNames, f.program), f.kind && name(decisionKindNames, f.kind), f.township && townshipName(f.township), f.deadline && deadlines[f.deadline]].filter(Boolean);
  return parts.length ? parts.join(' · ') : '全部待办';
}

/** A decision may be answered in bulk when it is actionable and takes approve/reject (not the village sign-off). */
const bulkAnswerable = (item: InboxItem) => item.actionable && (answersOfKind[item.kind] ?? []).includes('approve');

function DeadlineTag({ deadline }: { readonly deadline: string | undefined }) {
  const state = deadlineState(deadline);
  if (state === 'none') return <span>—</span>;
  return (
    <Space size={4}>
      <span>{beijingDateTime(deadline)}</span>
      {state === 'past' && <Tag color="red">已逾期</Tag>}
      {state === 'near' && <Tag color="orange">临近</Tag>}
    </Space>
  );
}

/** What a bulk answer was and what came of it, item by item, so that failures can be retried with the same answer. */
interface BulkOutcome {
  readonly decision: 'approve' | 'reject';
  readonly comment: string;
  readonly known: ReadonlyMap<string, BulkRow>;
  readonly items: readonly BulkItemResult[];
}

export default function Inbox() {
  const { user, client } = useConsole();
  const roles = user.roles.filter(isRole);
  const [role, setRole] = useState<Role | undefined>(roles[0]);
  // A menu entry may open the inbox narrowed to a program (#/inbox?program=social: 备案审核).
  const [filter, setFilterState] = useState<Filter>(() => {
    const program = new URLSearchParams(currentRoute().split('?')[1] ?? '').get('program');
    return program ? { program } : {};
  });
  // The server filters (GET /inbox); the list holds only what matches, so 2,000 is a page limit, not a filter's.
  const inbox = useLoad((c) => loadInbox(c, role, { filter }), [role, filter]);
  const [selection, dispatch] = useReducer(bulkReducer, emptySelection);
  const [confirming, setConfirming] = useState<'approve' | 'reject' | undefined>();
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [run, setRun] = useState<BulkRun | undefined>();
  const [snapshotting, setSnapshotting] = useState(false);
  const [results, setResults] = useState<BulkOutcome | undefined>();
  const [retrying, setRetrying] = useState(false);
  const [opened, setOpened] = useState<InboxItem | undefined>();
  const [error, setError] = useState<unknown>();
  const townships = useTownships(user.division);
  const townshipName = townships.name;

  const setFilter = (next: Filter) => {
    setFilterState(next);
    dispatch({ type: 'filter-changed' });
  };
  const all = inbox.data?.items ?? [];
  const now = new Date();
  const shown = all.filter((i) => isShown(i, filter, now));
  const summary = selectionSummary(selection);
  const kinds = Object.keys(decisionKindNames).filter((k) => !filter.program || k.startsWith(`${filter.program}.`));
  const programs = Object.keys(programNames);
  const answerable = shown.filter(bulkAnswerable);
  // Only finance answers in bulk (POST /decisions/bulk); a snapshot for anyone else could not be used.
  const canSnapshot = role === 'finance' && answerable.length > 0;

  const takeSnapshot = async () => {
    setSnapshotting(true);
    setError(undefined);
    try {
      const s = must(await client.POST('/decisions/selections', { body: selectionRequest(filter, role, new Date()) }));
      dispatch({ type: 'select-all-matching', snapshot: { selectionId: s.selectionId, count: s.count, totalFen: s.totalFen, filterLabel: filterLabel(filter, townshipName), takenAt: s.createdAt, expiresAt: s.expiresAt } });
    } catch (err) {
      setError(err);
    } finally {
      setSnapshotting(false);
    }
  };

  /** Rows by id, for naming results: those on screen and those picked. */
  const knownRows = (): Map<string, BulkRow> => {
    const known = new Map(all.map((i) => [i.id, bulkRowOf(i)]));
    if (selection.kind === 'rows') for (const r of selection.rows.values()) known.set(r.id, r);
    return known;
  };

  /** Answers the picked rows, 500 a request, or the server snapshot page by page following `nextFrom`. */
  const sendBulk = async (decision: 'approve' | 'reject') => {
    const comment = reason.trim();
    const withComment = comment ? { comment } : {};
    setSending(true);
    setError(undefined);
    let progress = startRun(summary.count);
    setRun(progress);
    try {
      if (selection.kind === 'all-matching') {
        const { selectionId } = selection.snapshot;
        let from: number | undefined = 0;
        while (from !== undefined) {
          const res: Schemas['BulkDecisionResult'] = must(await client.POST('/decisions/bulk', { body: { selectionId, decision, ...withComment, ...(from > 0 ? { from } : {}) } }));
          progress = addPage(progress, res);
          setRun(progress);
          from = res.nextFrom;
        }
      } else {
        const parts = chunks([...selection.rows.values()]);
        for (const [n, part] of parts.entries()) {
          const res = must(await client.POST('/decisions/bulk', { body: { items: part.map((row) => ({ decisionId: row.id, decision, ...withComment })) } }));
          progress = addPage(progress, { items: res.items, ...(n + 1 < parts.length ? { nextFrom: progress.done + res.items.length } : {}) });
          setRun(progress);
        }
      }
      setResults({ decision, comment, known: knownRows(), items: progress.items });
      dispatch({ type: 'clear' });
      setConfirming(undefined);
      setReason('');
      inbox.reload();
    } catch (err) {
      // What was answered before the failure is still shown, so nothing is sent twice by accident.
      if (progress.items.length > 0) setResults({ decision, comment, known: knownRows(), items: progress.items });
      setError(err);
    } finally {
      setSending(false);
      setRun(undefined);
    }
  };

  /** Answers the failed ones again, by id (`items`), with the same answer and comment. */
  const retryFailed = async () => {
    if (!results) return;
    const failedIds = results.items.filter((r) => !r.ok).map((r) => r.id);
    setRetrying(true);
    setError(undefined);
    try {
      const again: BulkItemResult[] = [];
      for (const part of chunks(failedIds)) {
        const res = must(await client.POST('/decisions/bulk', { body: { items: part.map((decisionId) => ({ decisionId, decision: results.decision, ...(results.comment ? { comment: results.comment } : {}) })) } }));
        again.push(...res.items.map(itemResultOf));
      }
      setResults({ ...results, items: mergeRetry(results.items, again) });
      inbox.reload();
    } catch (err) {
      setError(err);
    } finally {
      setRetrying(false);
    }
  };

  return (
    <>
      <Typography.Title level={3}>待办事项</Typography.Title>
      <ErrorAlert error={inbox.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        {roles.length > 1 && (
          <Select aria-label="角色" style={{ width: 140 }} value={role} onChange={(r: Role) => { setRole(r); dispatch({ type: 'clear' }); }} options={roles.map((r) => ({ value: r, label: name(roleNames, r) }))} />
        )}
        <Select aria-label="业务" allowClear placeholder="业务" style={{ width: 140 }} value={filter.program} onChange={(program?: string) => setFilter({ ...filter, program, ...(program && filter.kind && !filter.kind.startsWith(`${program}.`) ? { kind: undefined } : {}) })} options={programs.map((p) => ({ value: p, label: name(programNames, p) }))} />
        <Select aria-label="事项类型" allowClear placeholder="事项类型" style={{ width: 200 }} value={filter.kind} onChange={(kind?: string) => setFilter({ ...filter, kind })} options={kinds.map((k) => ({ value: k, label: name(decisionKindNames, k) }))} />
        <Select aria-label="乡镇" allowClear placeholder="乡镇" style={{ width: 150 }} value={filter.township} onChange={(township?: string) => setFilter({ ...filter, township })} options={townships.codes.map((t) => ({ value: t, label: townshipName(t) }))} />
        <Select
          aria-label="期限"
          allowClear
          placeholder="期限"
          style={{ width: 150 }}
          value={filter.deadline}
          onChange={(deadline?: Filter['deadline']) => setFilter({ ...filter, deadline })}
          options={[
            { value: 'past', label: '已逾期' },
            { value: 'near', label: '三天内到期' },
            { value: 'past-or-near', label: '逾期或临近' },
          ]}
        />
        <Button onClick={inbox.reload}>刷新</Button>
      </Space>

      <Alert
        style={{ marginBottom: 12 }}
        type={summary.count ? 'info' : 'success'}
        message={
          <Space wrap>
            <span>
              共 {shown.length} 项（可处理 {shown.filter((i) => i.actionable).length} 项）{inbox.data?.more ? '，仅显示前 2000 项' : ''}
            </span>
            {summary.count > 0 && (
              <span data-testid="bulk-summary">
                {selection.kind === 'all-matching' ? '已选择全部符合筛选条件的 ' : '已选择 '}
                <b>{summary.count}</b> 项，合计 <b>{formatYuan(summary.totalFen)} 元</b>
                {summary.withoutAmount > 0 ? `（其中 ${summary.withoutAmount} 项无金额）` : ''}
              </span>
            )}
            <Button size="small" disabled={answerable.length === 0} onClick={() => dispatch({ type: 'set-rows', rows: answerable.map(bulkRowOf) })}>
              选择本页全部可批量处理的 {answerable.length} 项
            </Button>
            {canSnapshot && (
              <Button size="small" data-testid="select-all-matching" loading={snapshotting} type={selection.kind === 'all-matching' ? 'primary' : 'default'} ghost={selection.kind === 'all-matching'} onClick={() => void takeSnapshot()}>
                全部 {answerable.length}
                {inbox.data?.more ? '+' : ''} 条符合筛选条件
              </Button>
            )}
            <Button size="small" type="primary" disabled={summary.count === 0} onClick={() => setConfirming('approve')}>
              批量同意
            </Button>
            <Button size="small" danger disabled={summary.count === 0} onClick={() => setConfirming('reject')}>
              批量驳回
            </Button>
            {summary.count > 0 && (
              <Button size="small" type="link" onClick={() => dispatch({ type: 'clear' })}>
                清除选择
              </Button>
            )}
          </Space>
        }
      />

      <Table<InboxItem>
        rowKey="id"
        size="middle"
        loading={inbox.loading}
        dataSource={shown}
        pagination={{ defaultPageSize: 50, showSizeChanger: true, pageSizeOptions: [20, 50, 100, 200] }}
        scroll={{ x: 1000 }}
        rowSelection={{
          selectedRowKeys: selectedIds(selection),
          getCheckboxProps: (item) => ({ disabled: !bulkAnswerable(item), 'aria-label': `选择 ${titleOf(item)}` }),
          onSelect: (item) => dispatch({ type: 'toggle', row: bulkRowOf(item) }),
          onSelectAll: (selected, _rows, changed) => {
            const current = selection.kind === 'rows' ? [...selection.rows.values()] : [];
            const changedIds = new Set(changed.map((c) => c.id));
            const keep = current.filter((r) => !changedIds.has(r.id));
            dispatch({ type: 'set-rows', rows: selected ? [...keep, ...changed.filter(bulkAnswerable).map(bulkRowOf)] : keep });
          },
        }}
        columns={[
          { title: '事项', render: (_, i) => <LinkButton onClick={() => setOpened(i)}>{kindName(i.kind)}</LinkButton> },
          { title: '对象', render: (_, i) => titleOf(i) },
          { title: '区划', dataIndex: 'division' },
          { title: '金额', align: 'right', render: (_, i) => <Yuan fen={amountOf(i)} /> },
          { title: '期限', render: (_, i) => <DeadlineTag deadline={i.deadline} /> },
          {
            title: '操作',
            render: (_, i) => <InboxAction item={i} onOpen={() => setOpened(i)} onSign={() => navigate(`/reward/applications/${i.subjectId}`)} onAnswered={inbox.reload} />,
          },
        ]}
      />

      <Modal
        open={confirming !== undefined}
        title={confirming === 'approve' ? '确认批量同意' : '确认批量驳回'}
        okText={confirming === 'approve' ? `同意 ${summary.count} 项` : `驳回 ${summary.count} 项`}
        okButtonProps={{ danger: confirming === 'reject', disabled: confirming === 'reject' && reason.trim().length < 2, loading: sending }}
        cancelText="取消"
        cancelButtonProps={{ disabled: sending }}
        closable={!sending}
        maskClosable={!sending}
        onCancel={() => !sending && setConfirming(undefined)}
        onOk={() => confirming && void sendBulk(confirming)}
      >
        <p>
          共 <b>{summary.count}</b> 项，合计 <b>{formatYuan(summary.totalFen)} 元</b>
          {selection.kind === 'all-matching' ? `（${selection.snapshot.filterLabel}）` : ''}。
        </p>
        {selection.kind === 'all-matching' && (
          <p>
            <Typography.Text type="secondary">
              这是服务器在 {beijingDateTime(selection.snapshot.takenAt) || '刚才'} 取得的快照：只处理快照中的事项，之后新进入筛选条件的事项不会被处理
              {selection.snapshot.expiresAt ? `；快照在 ${beijingDateTime(selection.snapshot.expiresAt)} 失效` : ''}。
            </Typography.Text>
          </p>
        )}
        {selection.kind === 'rows' && (
          <ul style={{ maxHeight: 200, overflow: 'auto' }}>
            {[...selection.rows.values()].slice(0, 100).map((r) => (
              <li key={r.id}>
                {r.label} {r.amountFen !== undefined && `· ${formatYuan(r.amountFen)} 元`}
              </li>
            ))}
            {selection.rows.size > 100 && <li>……另有 {selection.rows.size - 100} 项</li>}
          </ul>
        )}
        <Input.TextArea aria-label="意见" disabled={sending} placeholder={confirming === 'reject' ? '驳回理由（必填）' : '审批意见（选填）'} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
        {run && (
          <div style={{ marginTop: 12 }} data-testid="bulk-progress">
            <Progress percent={runPercent(run)} status="active" aria-label="批量处理进度" />
            <Typography.Text type="secondary">
              已处理 {run.done} / {run.total} 项
            </Typography.Text>
          </div>
        )}
      </Modal>

      <Modal
        open={results !== undefined}
        title="批量处理结果"
        width={760}
        onCancel={() => setResults(undefined)}
        footer={[
          results && results.items.some((r) => !r.ok) && (
            <Button key="retry-now" type="primary" loading={retrying} onClick={() => void retryFailed()}>
              重试失败项
            </Button>
          ),
          results && results.items.some((r) => !r.ok) && (
            <Button
              key="retry"
              onClick={() => {
                if (results) {
                  const failed = results.items.filter((r) => !r.ok).map((r) => r.id);
                  dispatch({ type: 'retry', failed: failedRows(retryRowsOf(failed, results.known), results.items) });
                }
                setResults(undefined);
              }}
            >
              重新选择失败的 {results.items.filter((r) => !r.ok).length} 项以重试
            </Button>
          ),
          <Button key="close" onClick={() => setResults(undefined)}>
            关闭
          </Button>,
        ]}
      >
        {results && (
          <>
            <p>
              成功 {results.items.filter((r) => r.ok).length} 项，失败 {results.items.filter((r) => !r.ok).length} 项。
            </p>
            <Table<BulkItemResult>
              rowKey="id"
              size="small"
              pagination={{ pageSize: 20 }}
              dataSource={[...results.items].sort((a, b) => Number(a.ok) - Number(b.ok))}
              columns={[
                { title: '事项', render: (_, r) => results.known.get(r.id)?.label ?? r.id },
                { title: '结果', render: (_, r) => (r.ok ? <Tag color="green">成功</Tag> : <Tag color="red">失败</Tag>) },
                { title: '原因', render: (_, r) => r.reason ?? '' },
              ]}
            />
          </>
        )}
      </Modal>

      <DecisionDrawer item={opened} onClose={() => setOpened(undefined)} onAnswered={() => { setOpened(undefined); inbox.reload(); }} />
    </>
  );
}

/** One decision: its subject, its audit trail, and its answers (a reason for reject, return, close). */
function DecisionDrawer({ item, onClose, onAnswered }: { readonly item: InboxItem | undefined; readonly onClose: () => void; readonly onAnswered: () => void }) {
  const { client } = useConsole();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();
  // The decision's own timeline (its audit trail and its subject's, merged with the workflow that
  // waited on it), for every kind; the API decides who may read it (403 shown as an error).
  const timeline = useLoad(async (c) => (item ? must(await c.GET('/decisions/{decisionId}/timeline', { params: { path: { decisionId: item.id } } })) : undefined), [item?.id]);
  if (!item) return null;
  const answers = item.actionable ? (answersOfKind[item.kind] ?? []) : [];

  const answer = async (decision: string) => {
    if (answersWithReason.has(decision) && comment.trim().length < 2) {
      setError(new Error(`请填写${name(answerNames, decision)}理由`));
      return;
    }
    setBusy(decision);
    setError(undefined);
    try {
      must(await client.POST('/decisions/{decisionId}', { params: { path: { decisionId: item.id } }, body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) } }));
      void message.success(`已${name(answerNames, decision)}`);
      setComment('');
      onAnswered();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  const subjectScreens: Readonly<Record<string, string>> = { 'reward-application': '/reward/applications/', 'funding-run': '/funding/runs/', 'social-organisation': '/social/organisations/' };
  const subjectScreen = subjectScreens[item.subjectType] !== undefined ? `${subjectScreens[item.subjectType]}${item.subjectId}` : undefined;
  return (
    <Drawer open width={640} title={`${kindName(item.kind)}：${titleOf(item)}`} onClose={onClose}>
      <ErrorAlert error={error} />
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label="区划">{item.division}</Descriptions.Item>
        <Descriptions.Item label="金额">
          <Yuan fen={amountOf(item)} />
        </Descriptions.Item>
        <Descriptions.Item label="发起时间">{beijingDateTime(item.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="期限">
          <DeadlineTag deadline={item.deadline} />
        </Descriptions.Item>
        <Descriptions.Item label="办理对象">{subjectScreen ? <a href={`#${subjectScreen}`}>查看详情</a> : item.subject}</Descriptions.Item>
        {item.partials.length > 0 && <Descriptions.Item label="已有审批">{item.partials.length} 人已同意</Descriptions.Item>}
      </Descriptions>

      {!item.actionable && <Alert style={{ marginTop: 12 }} type="warning" message={name(waitingForNames, item.waitingFor) || '等待他人处理'} />}
      {answers.length > 0 && (
        <div style={{ marginTop: 16 }}>
          <Input.TextArea aria-label="意见或理由" placeholder="意见（驳回、退回须填写理由）" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
          <Space style={{ marginTop: 8 }}>
            {answers.map((a) => (
              <Button key={a} type={a === 'approve' ? 'primary' : 'default'} danger={a === 'reject' || a === 'refuse'} loading={busy === a} onClick={() => void answer(a)}>
                {name(answerNames, a)}
              </Button>
            ))}
          </Space>
        </div>
      )}

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        办理过程
      </Typography.Title>
      {timeline.error ? (
        <Typography.Text type="danger">{errorText(timeline.error)}</Typography.Text>
      ) : timeline.data ? (
        <TimelineView timeline={timeline.data} />
      ) : (
        <Typography.Text type="secondary">加载中…</Typography.Text>
      )}
    </Drawer>
  );
}
