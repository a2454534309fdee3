import { Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useConsole } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import { Venture } from './Venture';

/**
 * 公益创投 for a village: the rounds of its township (the API shows it its own proposals and awards
 * only), each opening the round, where it proposes a project of one of its organisations.
 */
export default function VentureRounds() {
  const { user } = useConsole();
  const thisYear = Number(beijingDay(new Date()).slice(0, 4));
  const [year, setYear] = useState<number | undefined>(thisYear);
  const township = user.division.slice(0, 9);
  return (
    <>
      <Typography.Title level={3}>公益创投</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>年度</span>
        <Select<number | 'all'>
          aria-label="年度"
          style={{ width: 140 }}
          value={year ?? 'all'}
          onChange={(v) => setYear(v === 'all' ? undefined : v)}
          options={[{ value: 'all' as const, label: '全部年度' }, ...[thisYear + 1, thisYear, thisYear - 1, thisYear - 2].map((y) => ({ value: y, label: `${y} 年` }))]}
        />
      </Space>
      {township.length === 9 ? <Venture township={township} year={year} /> : <Typography.Text type="secondary">公益创投按乡镇开展：请以村或乡镇账号查看。</Typography.Text>}
    </>
  );
}
