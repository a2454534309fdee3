import { Alert, Button, Card, Progress, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ImportErrorsTable, importErrorsOf } from '../../components/ImportErrorsTable';
import { useCsvUpload } from '../../lib/upload';

type Result = Schemas['SocialOrganisationImport'];

/**
 * 批量导入: organisations that exist on paper, as CSV, all or nothing. The API checks every row
 * first and answers at once: the count registered, or every error by row and column (nothing written).
 */
export default function Import() {
  const [result, setResult] = useState<Result | undefined>();
  const { sent, error, upload: send } = useCsvUpload('/social/organisations/import', (body) => setResult(body as Result));
  const upload = (file: File) => {
    setResult(undefined);
    return send(file);
  };

  const rows = error instanceof ApiError && error.status === 422 ? importErrorsOf(error.fields) : [];

  return (
    <>
      <Typography.Title level={3}>批量导入 · 村级社会组织</Typography.Title>
      <Card size="small">
        <Typography.Paragraph type="secondary">
          CSV 文件（UTF-8），首行为列名：村代码,组织名称,类别,类别说明,负责人,党员,乡贤,五老,成员数,成立日期,联系方式,状态（党员、乡贤、五老填“是”或“否”；状态填“已备案”或“活动中”）。整份文件校验通过后才写入，任何一行有错都不写入；至多 2000 行。
        </Typography.Paragraph>
        <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(file) => { void upload(file); return false; }}>
          <Button type="primary">选择 CSV 文件并上传</Button>
        </Upload>
        {sent !== undefined && <Progress aria-label="上传进度" percent={sent} format={(p) => `上传 ${p ?? 0}%`} />}
      </Card>
      {result && <Alert style={{ marginTop: 12 }} type="success" showIcon message={`导入成功：共 ${result.rowCount} 行，已登记 ${result.created} 个组织`} />}
      {error !== undefined && rows.length === 0 && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={error} />
        </div>
      )}
      {rows.length > 0 && (
        <Card size="small" title={`校验未通过：${rows.length} 处错误（按行、列），未写入任何数据`} style={{ marginTop: 12 }}>
          <ImportErrorsTable errors={rows} />
        </Card>
      )}
    </>
  );
}
