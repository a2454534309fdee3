import { Card, Descriptions, Table, Tag, Typography } from 'antd';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { name } from '../../lib/labels';
import { cadreRoleNames, levelNames, projectStatusNames } from '../../lib/pairing';
import { useNames } from './shared';

type Pairing = Schemas['Pairing'];
const yes = (b: boolean) => (b ? '是' : '否');

/** One pairing: its cadres, funds pledged against invested, projects, and targets against their baseline. */
export default function PairingDetail({ id }: { readonly id: string }) {
  const { user } = useConsole();
  const names = useNames(user.division);
  const pairing = useLoad(async (c) => must(await c.GET('/pairing/pairings/{id}', { params: { path: { id } } })), [id]);
  const p = pairing.data;
  if (!p) return <ErrorAlert error={pairing.error} />;
  const invested = p.investments.reduce((s, i) => s + i.amountFen, 0);
  const projectName = (pid: string | undefined) => p.projects.find((x) => x.id === pid)?.name ?? '—';
  return (
    <>
      <Typography.Title level={3}>
        {names.village(p.village)} · {names.unit(p.unitId)}
      </Typography.Title>
      <Card size="small" title="结对与资金">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="层级">{name(levelNames, p.level)}</Descriptions.Item>
          <Descriptions.Item label="年承诺资金">
            <Yuan fen={p.pledgedFenPerYear} />
          </Descriptions.Item>
          <Descriptions.Item label="累计投入资金">
            <Yuan fen={invested} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title="驻村干部" style={{ marginTop: 12 }}>
        <Table<Pairing['cadres'][number]>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={p.cadres}
          columns={[
            { title: '姓名', dataIndex: 'name' },
            { title: '职务', render: (_, c) => <Tag>{name(cadreRoleNames, c.role)}</Tag> },
            { title: '驻村起', dataIndex: 'from' },
            { title: '驻村止', render: (_, c) => c.to ?? '在岗' },
          ]}
        />
      </Card>
      <Card size="small" title="资金投入" style={{ marginTop: 12 }}>
        <Table<Pairing['investments'][number]>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={p.investments}
          columns={[
            { title: '日期', dataIndex: 'date' },
            { title: '金额', align: 'right', render: (_, i) => <Yuan fen={i.amountFen} /> },
            { title: '用途', dataIndex: 'purpose' },
            { title: '项目', render: (_, i) => projectName(i.projectId) },
          ]}
        />
      </Card>
      <Card size="small" title="帮扶项目" style={{ marginTop: 12 }}>
        <Table<Pairing['projects'][number]>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={p.projects}
          columns={[
            { title: '项目', dataIndex: 'name' },
            { title: '类别', dataIndex: 'kind' },
            { title: '预算', align: 'right', render: (_, x) => <Yuan fen={x.budgetFen} /> },
            { title: '状态', render: (_, x) => <Tag>{name(projectStatusNames, x.status)}</Tag> },
          ]}
        />
      </Card>
      <Card size="small" title="帮扶目标（基线 → 目标）" style={{ marginTop: 12 }}>
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label="跨入先进行列">{yes(p.targets.becomesAdvanced)}</Descriptions.Item>
          <Descriptions.Item label="一村一业">
            {yes(p.targets.oneVillageOneIndustry.baseline)} → {yes(p.targets.oneVillageOneIndustry.target)}
          </Descriptions.Item>
          <Descriptions.Item label="一村一社">
            {yes(p.targets.oneVillageOneCooperative.baseline)} → {yes(p.targets.oneVillageOneCooperative.target)}
          </Descriptions.Item>
          <Descriptions.Item label="村集体收入">
            <Yuan fen={p.targets.collectiveIncomeFen.baseline} /> → <Yuan fen={p.targets.collectiveIncomeFen.target} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
    </>
  );
}
