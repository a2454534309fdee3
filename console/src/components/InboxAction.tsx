import { Button, Tag } from 'antd';
import type { InboxItem } from '../lib/inbox';
import { name, waitingForNames } from '../lib/labels';

/**
 * What the inbox offers on a row: the village sign-off opens its screen, another actionable decision
 * opens the decision; one the user already gave their part of (the first of two approvals) says what
 * it waits for instead of offering to approve again.
 */
export function InboxAction({ item, onOpen, onSign }: { readonly item: InboxItem; readonly onOpen: () => void; readonly onSign: () => void }) {
  if (!item.actionable) return <Tag color="gold">{name(waitingForNames, item.waitingFor) || '等待他人处理'}</Tag>;
  if (item.kind === 'reward.village-signoff')
    return (
      <Button size="small" type="primary" onClick={onSign}>
        去签署
      </Button>
    );
  return (
    <Button size="small" onClick={onOpen}>
      查看并处理
    </Button>
  );
}
