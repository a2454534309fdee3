import { Space, Tooltip, Typography } from 'antd';
import { formatWan, formatYuan } from '../lib/money';

export interface Budget {
  readonly appropriatedFen: number;
  readonly reservedFen: number;
  readonly paidFen: number;
  readonly availableFen: number;
}

const parts = [
  { key: 'paidFen', label: '已支付', color: '#52c41a' },
  { key: 'reservedFen', label: '已预留', color: '#faad14' },
  { key: 'availableFen', label: '可用', color: '#d9d9d9' },
] as const;

/** A program's budget as one bar: paid, reserved and available make up the appropriation. */
export function BudgetBar({ budget }: { readonly budget: Budget }) {
  const total = Math.max(budget.appropriatedFen, 1);
  return (
    <div>
      <div role="img" aria-label={`预算 ${formatYuan(budget.appropriatedFen)} 元：已支付 ${formatYuan(budget.paidFen)} 元，已预留 ${formatYuan(budget.reservedFen)} 元，可用 ${formatYuan(budget.availableFen)} 元`} style={{ display: 'flex', height: 14, borderRadius: 7, overflow: 'hidden', background: '#f0f0f0' }}>
        {parts.map((p) => (
          <Tooltip key={p.key} title={`${p.label} ${formatYuan(budget[p.key])} 元`}>
            <div style={{ width: `${(budget[p.key] / total) * 100}%`, background: p.color }} />
          </Tooltip>
        ))}
      </div>
      <Space wrap size={12} style={{ marginTop: 4 }}>
        <Typography.Text>批复 {formatWan(budget.appropriatedFen)}</Typography.Text>
        {parts.map((p) => (
          <Typography.Text key={p.key} type="secondary">
            <span style={{ display: 'inline-block', width: 8, height: 8, background: p.color, marginRight: 4 }} />
            {p.label} {formatWan(budget[p.key])}
          </Typography.Text>
        ))}
      </Space>
    </div>
  );
}
