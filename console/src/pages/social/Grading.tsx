import { Alert, Button, Card, Descriptions, Input, InputNumber, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { ApiError, must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { GradingRoundForm } from './GradingRoundForm';
import { TownshipPicker } from './TownshipPicker';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import { cutOffText, gradingOutcomeNames, ownVillageRefusal, scoreError, type Organisation } from '../../lib/social';

type Round = Schemas['SocialGradingRound'];
type Result = Schemas['SocialGradingResult'];

/** A township's round of a year is addressed by both (the API names it so). */
const roundIdOf = (township: string, year: number) => `sgr-${township}-${year}`;

/**
 * 等级评定: a township's grading round of a year (cut-offs shown), scorers of the panel entering
 * scores, the results with grades, and publication of the excellent list.
 */
export default function Grading() {
  const { client, user } = useConsole();
  const [township, setTownship] = useState(user.division.length >= 9 ? user.division.slice(0, 9) : '');
  const [year, setYear] = useState(Number(beijingDay(new Date()).slice(0, 4)));
  const id = roundIdOf(township, year);
  const round = useLoad(async (c) => {
    if (township === '') return undefined;
    const res = await c.GET('/social/grading-rounds/{id}', { params: { path: { id } } });
    return res.response.status === 404 ? null : must(res);
  }, [id]);
  const results = useLoad(async (c) => (round.data && round.data.status !== 'scoring' ? must(await c.GET('/social/grading-rounds/{id}/results', { params: { path: { id } } })).items : []), [id, round.data?.status, round.data?.version]);
  const [error, setError] = useState<unknown>();
  const r = round.data;
  const isTownship = user.roles.includes('township');

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(undefined);
    try {
      await what();
      void message.success(done);
      round.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>等级评定</Typography.Title>
      <ErrorAlert error={round.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <TownshipPicker value={township} onChange={setTownship} />
        <span>年度</span>
        <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
      </Space>
      {r === null && (
        <Card size="small" title={`${year} 年尚无评定`}>
          {isTownship ? (
            <GradingRoundForm township={township} year={year} onCreated={round.reload} />
          ) : (
            <Typography.Text type="secondary">乡镇尚未创建本年度评定。</Typography.Text>
          )}
        </Card>
      )}
      {r && (
        <>
          <Card size="small">
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label="状态">
                <Tag color="blue">{{ scoring: '评分中', graded: '已评定', published: '已公布' }[r.status]}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label="等级线">{cutOffText(r.scale)}（满分 {r.scale.maxScore}）</Descriptions.Item>
              <Descriptions.Item label="优秀等级">{r.scale.excellent.join('、')}</Descriptions.Item>
              <Descriptions.Item label="有效期">{r.validityYears} 年</Descriptions.Item>
              <Descriptions.Item label="评分人">{r.scorers.map((s) => (s.village ? `${s.sub}（${s.village}）` : s.sub)).join('、')}</Descriptions.Item>
            </Descriptions>
            {isTownship && (
              <Space style={{ marginTop: 8 }}>
                {r.status !== 'published' && (
                  <Button onClick={() => void act(async () => must(await client.POST('/social/grading-rounds/{id}/grade', { params: { path: { id } } })), '已计算等级')}>
                    计算等级
                  </Button>
                )}
                {r.status === 'graded' && (
                  <Button type="primary" onClick={() => void act(async () => must(await client.POST('/social/grading-rounds/{id}/publish', { params: { path: { id } } })), '已公布优秀组织名单')}>
                    公布优秀名单
                  </Button>
                )}
              </Space>
            )}
          </Card>
          {r.status !== 'published' && r.scorers.some((s) => s.sub === user.sub) && <ScoreEntry round={r} />}
          {r.status !== 'scoring' && <Results results={results.data ?? []} published={r.status === 'published'} error={results.error} />}
        </>
      )}
    </>
  );
}

/** A scorer of the panel enters a score for each working organisation of the township. */
export function ScoreEntry({ round }: { readonly round: Round }) {
  const orgs = useLoad(async (c) => {
    const out: Organisation[] = [];
    for (const status of ['active', 'filed'] as const) out.push(...must(await c.GET('/social/organisations', { params: { query: { division: round.township, status, limit: 100 } } })).items);
    return out;
  }, [round.township]);
  return (
    <Card size="small" title="评分" style={{ marginTop: 12 }}>
      <ErrorAlert error={orgs.error} />
      <Table<Organisation>
        rowKey="id"
        size="small"
        loading={orgs.loading}
        pagination={false}
        dataSource={orgs.data ?? []}
        columns={[
          { title: '组织', dataIndex: 'name' },
          { title: '村', dataIndex: 'village' },
          { title: `分数（0–${round.scale.maxScore}）`, render: (_, o) => <ScoreCell round={round} organisation={o} /> },
        ]}
      />
    </Card>
  );
}

/** One score: checked against the scale, sent, and the API's refusal (a scorer of the organisation's own village) explained. */
export function ScoreCell({ round, organisation }: { readonly round: Round; readonly organisation: Organisation }) {
  const { client } = useConsole();
  const [raw, setRaw] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const save = async () => {
    const bad = scoreError(raw, round.scale.maxScore);
    setProblem(bad);
    setError(undefined);
    setSaved(false);
    if (bad) return;
    try {
      must(await client.PUT('/social/grading-rounds/{id}/scores/{organisationId}', { params: { path: { id: round.id, organisationId: organisation.id } }, body: { score: Number(raw.trim()) } }));
      setSaved(true);
    } catch (err) {
      const own = err instanceof ApiError && err.status === 403 ? ownVillageRefusal(err.problem?.detail) : undefined;
      if (own) setProblem(own);
      else setError(err);
    }
  };
  return (
    <div>
      <Space>
        <Input aria-label={`${organisation.name} 的分数`} inputMode="numeric" style={{ width: 110 }} value={raw} onChange={(e) => setRaw(e.target.value)} onPressEnter={() => void save()} />
        <Button size="small" onClick={() => void save()}>
          保存
        </Button>
        {saved && <Tag color="green">已保存</Tag>}
      </Space>
      {problem && <Alert style={{ marginTop: 4 }} type="warning" showIcon role="alert" message={problem} />}
      <ErrorAlert error={error} />
    </div>
  );
}

function Results({ results, published, error }: { readonly results: readonly Result[]; readonly published: boolean; readonly error: unknown }) {
  const excellent = results.filter((x) => x.excellent);
  return (
    <>
      <Card size="small" title="评定结果" style={{ marginTop: 12 }}>
        <ErrorAlert error={error} />
        <Table<Result>
          rowKey="organisationId"
          size="small"
          pagination={false}
          scroll={{ x: 800 }}
          dataSource={[...results]}
          columns={[
            { title: '组织', dataIndex: 'name' },
            { title: '村', dataIndex: 'village' },
            { title: '评分人数', dataIndex: 'scorers', align: 'right' },
            { title: '平均分', align: 'right', render: (_, x) => x.mean ?? '—' },
            { title: '等级', render: (_, x) => (x.grade ? <Tag color={x.excellent ? 'gold' : 'blue'}>{x.grade}</Tag> : '—') },
            { title: '结果', render: (_, x) => (x.outcome === 'graded' ? gradingOutcomeNames.graded : <Tag color="red">{gradingOutcomeNames[x.outcome]}</Tag>) },
            { title: '有效至', render: (_, x) => (x.validUntil ? `${x.validUntil} 年` : '—') },
          ]}
        />
      </Card>
      {published && (
        <Card size="small" title={`优秀村级社会组织（${excellent.length}）`} style={{ marginTop: 12 }}>
          {excellent.length === 0 ? <Typography.Text type="secondary">无</Typography.Text> : <ol style={{ margin: 0 }}>{excellent.map((x) => <li key={x.organisationId}>{`${x.name}（${x.grade ?? ''}，${x.village}）`}</li>)}</ol>}
        </Card>
      )}
    </>
  );
}
