import { Alert } from 'antd';
import { ApiError } from '../api/client';

const statusWords: Readonly<Record<number, string>> = {
  400: '请求有误',
  401: '登录已失效，请重新登录',
  403: '无权执行此操作',
  404: '未找到',
  409: '数据已被他人修改或状态已变化，请刷新后重试',
  413: '文件过大',
  415: '文件格式不受支持',
  422: '内容未通过校验',
  429: '请求过于频繁，请稍后再试',
};

/** An error as a person reads it: what went wrong, and each field the API names. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const head = statusWords[error.status] ?? `服务出错（HTTP ${error.status}）`;
    const detail = error.problem?.detail;
    const fields = error.fields.map((f) => `${f.field}：${f.message}`).join('；');
    return [head, detail, fields].filter(Boolean).join(' — ');
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorAlert({ error }: { readonly error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.fields : [];
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 12 }}
      message={error instanceof ApiError ? (statusWords[error.status] ?? `服务出错（HTTP ${error.status}）`) : '出错了'}
      description={
        <div>
          {error instanceof ApiError ? error.problem?.detail : errorText(error)}
          {fields.length > 0 && (
            <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
              {fields.map((f) => (
                <li key={`${f.field}:${f.message}`}>
                  <b>{f.field}</b>：{f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      }
    />
  );
}
