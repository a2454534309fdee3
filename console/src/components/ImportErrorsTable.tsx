import { Table } from 'antd';

export interface ImportErrorRow {
  readonly row: number;
  readonly column?: string | null | undefined;
  readonly message: string;
}

/** A CSV's errors by row and column, the way spreadsheet import tools show them. */
export function ImportErrorsTable({ errors }: { readonly errors: readonly ImportErrorRow[] }) {
  return (
    <Table<ImportErrorRow>
      rowKey={(e) => `${e.row}:${e.column ?? ''}:${e.message}`}
      size="small"
      pagination={false}
      dataSource={[...errors]}
      columns={[
        { title: '行', dataIndex: 'row', width: 80 },
        { title: '列', render: (_, e) => e.column ?? '（整行）', width: 180 },
        { title: '问题', dataIndex: 'message' },
      ]}
    />
  );
}

/**
 * The rows and columns of a CSV problem's `errors` (fields `row 3: village` or `row 3`), for an
 * upload answered at once rather than through an import record.
 */
export function importErrorsOf(fields: readonly { readonly field: string; readonly message: string }[]): ImportErrorRow[] {
  return fields.map((f) => {
    const m = /^row (\d+)(?:: (.+))?$/.exec(f.field);
    return m ? { row: Number(m[1]), ...(m[2] ? { column: m[2] } : {}), message: f.message } : { row: 0, column: f.field, message: f.message };
  });
}
