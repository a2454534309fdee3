import { Alert, Button, Card, Descriptions, Progress, Space, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { must } from '../../api/client';
import { ImportErrorsTable } from '../../components/ImportErrorsTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { importStatusNames, name } from '../../lib/labels';
import { navigate } from '../../lib/router';
import { useCsvUpload } from '../../lib/upload';

const finished = new Set(['succeeded', 'rejected', 'failed']);
/** How far an import is, by its status: received → validating → writing → done. */
const statusPercent: Readonly<Record<string, number>> = { received: 10, validating: 40, writing: 75, succeeded: 100, rejected: 100, failed: 100 };

/** The village CSV import (admin): upload with a progress bar, then the import's status and its errors by row and column. */
export default function Imports({ id }: { readonly id?: string }) {
  const [errorPage, setErrorPage] = useState(0);
  const { sent, error, upload } = useCsvUpload('/imports/villages', (body) => {
    if (typeof body !== 'object' || body === null || !('id' in body) || typeof body.id !== 'string') throw new Error('上传失败：服务未返回导入编号');
    setErrorPage(0);
    navigate(`/registries/imports/${body.id}`);
  });
  const current = useLoad(async (c) => (id ? must(await c.GET('/imports/{id}', { params: { path: { id }, query: { errorPage } } })) : undefined), [id, errorPage]);
  const imp = current.data;

  useEffect(() => {
    if (!imp || finished.has(imp.status)) return;
    const timer = setInterval(current.reload, 1000);
    return () => clearInterval(timer);
  }, [imp?.status, current.reload]);


  return (
    <>
      <Typography.Title level={3}>批量导入 · 村</Typography.Title>
      <Card size="small">
        <Typography.Paragraph type="secondary">
          CSV 文件（UTF-8），首行为列名：code,name,population,economicallyWeak,category,operatingFundsYuan。整份文件校验通过后才写入，任何一行有错都不写入。
        </Typography.Paragraph>
        <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(file) => { void upload(file); return false; }}>
          <Button type="primary">选择 CSV 文件并上传</Button>
        </Upload>
        {sent !== undefined && <Progress aria-label="上传进度" percent={sent} format={(p) => `上传 ${p ?? 0}%`} />}
        <ErrorAlert error={error} />
      </Card>

      {id && (
        <Card size="small" title={`导入 ${id}`} style={{ marginTop: 12 }}>
          <ErrorAlert error={current.error} />
          {imp && (
            <>
              <Progress
                aria-label="导入进度"
                percent={statusPercent[imp.status] ?? 0}
                status={imp.status === 'succeeded' ? 'success' : imp.status === 'rejected' || imp.status === 'failed' ? 'exception' : 'active'}
                format={() => name(importStatusNames, imp.status)}
              />
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label="状态">
                  <Tag>{name(importStatusNames, imp.status)}</Tag>
                </Descriptions.Item>
                <Descriptions.Item label="行数">{imp.rowCount ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="错误数">{imp.errorCount ?? 0}</Descriptions.Item>
                {imp.counts && (
                  <Descriptions.Item label="结果">
                    新增 {imp.counts.created}，更新 {imp.counts.updated}，未变 {imp.counts.unchanged}
                  </Descriptions.Item>
                )}
                <Descriptions.Item label="上传时间">{beijingDateTime(imp.createdAt)}</Descriptions.Item>
              </Descriptions>
              {imp.failure && <Alert type="error" message={JSON.stringify(imp.failure)} />}
              {imp.errors.length > 0 && (
                <>
                  <Typography.Title level={5}>错误明细（按行、列）</Typography.Title>
                  <ImportErrorsTable errors={imp.errors} />
                  <Space style={{ marginTop: 8 }}>
                    <Button disabled={errorPage === 0} onClick={() => setErrorPage(errorPage - 1)}>
                      上一页
                    </Button>
                    <Button disabled={imp.nextErrorPage === undefined} onClick={() => imp.nextErrorPage !== undefined && setErrorPage(imp.nextErrorPage)}>
                      下一页
                    </Button>
                  </Space>
                </>
              )}
            </>
          )}
        </Card>
      )}
    </>
  );
}
