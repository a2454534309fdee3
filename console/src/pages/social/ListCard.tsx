import { Button, Card, Table, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Paged } from '../../lib/paged';

/**
 * A paged list of the funding screens (rounds, contracts): the first column opens a row; the row
 * being shown is marked and its name is plain text (nothing to open, and no link left under the
 * pointer in its lighter hover colour).
 */
export function ListCard<T extends { readonly id: string }>(props: {
  readonly title: string;
  readonly extra?: ReactNode;
  readonly list: Paged<T>;
  readonly selected: string;
  readonly empty: string;
  /** The first column: what names the row, as a button that opens it. */
  readonly name: { readonly title: string; readonly text: (row: T) => string; readonly onOpen: (id: string) => void };
  readonly columns: TableColumnsType<T>;
}) {
  const { list, name } = props;
  return (
    <Card size="small" title={props.title} extra={props.extra}>
      <ErrorAlert error={list.error} />
      <Table<T>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 800 }}
        locale={{ emptyText: props.empty }}
        rowClassName={(r) => (r.id === props.selected ? 'ant-table-row-selected' : '')}
        columns={[
          {
            title: name.title,
            render: (_, r) =>
              r.id === props.selected ? (
                <Typography.Text strong>{name.text(r)}</Typography.Text>
              ) : (
                <Button type="link" style={{ padding: 0 }} onClick={() => name.onOpen(r.id)}>
                  {name.text(r)}
                </Button>
              ),
          },
          ...props.columns,
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </Card>
  );
}
