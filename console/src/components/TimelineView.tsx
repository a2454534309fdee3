import { Alert, Tag, Timeline as AntTimeline, Typography } from 'antd';
import { timelineRows, type Timeline } from '../lib/timeline';

/** A merged timeline: audit entries in blue, workflow steps in grey, failed steps in red with their cause. */
export function TimelineView({ timeline }: { readonly timeline: Timeline }) {
  const rows = timelineRows(timeline);
  if (rows.length === 0) return <Typography.Text type="secondary">暂无记录</Typography.Text>;
  return (
    <>
      {timeline.truncated && <Alert style={{ marginBottom: 12 }} type="warning" message="记录过多，仅显示部分" />}
      <AntTimeline
        data-testid="timeline"
        items={rows.map((r) => ({
          key: r.key,
          color: r.failed ? 'red' : r.source === 'audit' ? 'blue' : 'gray',
          children: (
            <>
              <Tag>{r.source === 'audit' ? '审计' : '流程'}</Tag>
              <b>{r.what}</b>
              {r.who ? ` · ${r.who}` : ''}
              <br />
              <Typography.Text type="secondary">{r.when}</Typography.Text>
              {r.problem && (
                <>
                  <br />
                  <Typography.Text type="danger">{r.problem}</Typography.Text>
                </>
              )}
            </>
          ),
        }))}
      />
    </>
  );
}
