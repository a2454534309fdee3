import { Button, Tag } from 'antd';
import type { InboxItem } from '../lib/inbox';
import { name, waitingForNames } from '../lib/labels';
import { EvaluationAnswer } from './pairing/EvaluationAnswer';
import { navigate } from '../lib/router';

/**
 * What the inbox offers on a row: the village sign-off opens its screen, another actionable decision
 * opens the decision; one the user already gave their part of (the first of two approvals) says what
 * it waits for instead of offering to approve again. A pairing evaluation's self-assessment and county
 * evaluation are answered with their own form (a text, outcomes, a score), not a yes or no. A filing
 * review (approve, return or refuse, the last two with a reason) opens in the decision drawer; a
 * returned filing opens its organisation.
 */
export function InboxAction({ item, onOpen, onSign, onAnswered }: { readonly item: InboxItem; readonly onOpen: () => void; readonly onSign: () => void; readonly onAnswered?: () => void }) {
  if (!item.actionable) return <Tag color="gold">{name(waitingForNames, item.waitingFor) || '等待他人处理'}</Tag>;
  if (item.kind === 'pairing.self-assessment' || item.kind === 'pairing.county-evaluation') return <EvaluationAnswer kind={item.kind} evaluationId={item.subjectId} onAnswered={onAnswered ?? (() => undefined)} />;
  if (item.kind === 'reward.village-signoff')
    return (
      <Button size="small" type="primary" onClick={onSign}>
        去签署
      </Button>
    );
  // A returned filing is corrected on the organisation's own screen before it is resubmitted there.
  if (item.kind === 'social.resubmission')
    return (
      <Button size="small" type="primary" onClick={() => navigate(`/social/organisations/${item.subjectId}`)}>
        修改并重新提交
      </Button>
    );
  return (
    <Button size="small" onClick={onOpen}>
      {item.kind === 'social.township-review' ? '审核备案' : '查看并处理'}
    </Button>
  );
}
