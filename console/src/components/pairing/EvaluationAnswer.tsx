import { Button, Checkbox, Form, Input, InputNumber, Modal, Space, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { useLoad, useConsole } from '../../lib/context';
import { ErrorAlert } from '../ErrorAlert';
import { MoneyInput } from '../MoneyInput';
import { Yuan } from '../Money';

type Outcomes = Schemas['PairingSelfAssessment']['outcomes'];
type Cutoffs = Schemas['PairingEvaluation']['gradeCutoffs'];

/** The grade a score earns under the evaluation's cut-offs (a score at a cut-off earns it), as the API decides it. */
export function gradeOf(score: number, cutoffs: Cutoffs): '优秀' | '良好' | '合格' | '不合格' {
  if (score >= cutoffs.excellent) return '优秀';
  if (score >= cutoffs.good) return '良好';
  if (score >= cutoffs.pass) return '合格';
  return '不合格';
}

const noOutcomes: Outcomes = { advanced: false, oneVillageOneIndustry: false, oneVillageOneCooperative: false, collectiveIncomeFen: 0 };

function OutcomeFields({ value, onChange, prefix }: { readonly value: Outcomes; readonly onChange: (o: Outcomes) => void; readonly prefix: string }) {
  return (
    <>
      <Form.Item label="达成的成效">
        <Space wrap>
          <Checkbox checked={value.advanced} onChange={(e) => onChange({ ...value, advanced: e.target.checked })}>
            跨入先进行列
          </Checkbox>
          <Checkbox checked={value.oneVillageOneIndustry} onChange={(e) => onChange({ ...value, oneVillageOneIndustry: e.target.checked })}>
            一村一业
          </Checkbox>
          <Checkbox checked={value.oneVillageOneCooperative} onChange={(e) => onChange({ ...value, oneVillageOneCooperative: e.target.checked })}>
            一村一社
          </Checkbox>
        </Space>
      </Form.Item>
      <Form.Item label="村集体收入（元）" htmlFor={`${prefix}-income`}>
        <MoneyInput id={`${prefix}-income`} aria-label="村集体收入（元）" value={value.collectiveIncomeFen} onChange={(fen) => onChange({ ...value, collectiveIncomeFen: fen ?? 0 })} />
      </Form.Item>
    </>
  );
}

/**
 * The evaluation steps answered with a form rather than a yes or no: the unit's self-assessment
 * (text and the outcomes it claims) and the county's evaluation (score, whose grade follows from
 * the term's cut-offs, the outcomes reached, a comment).
 */
export function EvaluationAnswer({ kind, evaluationId, onAnswered }: { readonly kind: 'pairing.self-assessment' | 'pairing.county-evaluation'; readonly evaluationId: string; readonly onAnswered: () => void }) {
  const { client } = useConsole();
  const [open, setOpen] = useState(false);
  const evaluation = useLoad(async (c) => (open ? must(await c.GET('/pairing/evaluations/{id}', { params: { path: { id: evaluationId } } })) : undefined), [open, evaluationId]);
  const [text, setText] = useState('');
  const [outcomes, setOutcomes] = useState<Outcomes>(noOutcomes);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const county = kind === 'pairing.county-evaluation';
  const e = evaluation.data;
  const claimed = e?.selfAssessments.at(-1);
  const returned = e?.townshipOpinions.filter((o) => o.decision === 'return').at(-1);

  const send = async () => {
    setError(undefined);
    if (county ? score === null : text.trim() === '') {
      setError(new Error(county ? '请填写考核得分（0—100）' : '请填写自评内容'));
      return;
    }
    setBusy(true);
    try {
      if (county) must(await client.POST('/pairing/evaluations/{id}/county-evaluation', { params: { path: { id: evaluationId } }, body: { score: score ?? 0, outcomes, ...(comment.trim() ? { comment: comment.trim() } : {}) } }));
      else must(await client.POST('/pairing/evaluations/{id}/self-assessment', { params: { path: { id: evaluationId } }, body: { text: text.trim(), outcomes } }));
      void message.success(county ? '考核已提交' : '自评已提交');
      setOpen(false);
      onAnswered();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button size="small" type="primary" onClick={() => setOpen(true)}>
        {county ? '县级考核' : '填写自评'}
      </Button>
      <Modal open={open} title={county ? '县级考核评价' : '单位自评'} okText="提交" cancelText="取消" okButtonProps={{ loading: busy }} onCancel={() => setOpen(false)} onOk={() => void send()} width={620}>
        <ErrorAlert error={error ?? evaluation.error} />
        {returned?.comment && !county && <Typography.Paragraph type="warning">乡镇退回意见：{returned.comment}</Typography.Paragraph>}
        {county && claimed && (
          <Typography.Paragraph type="secondary">
            单位自评：{claimed.text}（村集体收入 <Yuan fen={claimed.outcomes.collectiveIncomeFen} />）
          </Typography.Paragraph>
        )}
        <Form layout="vertical">
          {county ? (
            <>
              <Form.Item label="考核得分（0—100）" htmlFor="evaluation-score">
                <Space>
                  <InputNumber id="evaluation-score" min={0} max={100} precision={0} value={score} onChange={(v) => setScore(v)} />
                  {score !== null && e && <Tag color="blue">等次：{gradeOf(score, e.gradeCutoffs)}</Tag>}
                </Space>
              </Form.Item>
              <OutcomeFields prefix="county" value={outcomes} onChange={setOutcomes} />
              <Form.Item label="考核意见（选填）" htmlFor="evaluation-comment">
                <Input.TextArea id="evaluation-comment" rows={3} maxLength={2000} value={comment} onChange={(ev) => setComment(ev.target.value)} />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item label="自评内容" htmlFor="self-assessment-text">
                <Input.TextArea id="self-assessment-text" rows={4} maxLength={4000} value={text} onChange={(ev) => setText(ev.target.value)} />
              </Form.Item>
              <OutcomeFields prefix="self" value={outcomes} onChange={setOutcomes} />
            </>
          )}
        </Form>
      </Modal>
    </>
  );
}
