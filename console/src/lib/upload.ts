import { useState } from 'react';
import { ApiError, type Schemas } from '../api/client';
import { useConsole } from './context';

/**
 * Sends a CSV with the upload's own progress (XMLHttpRequest reports bytes sent; fetch does not).
 * The token and base URL are the client's; the answer is the parsed JSON body of a 2xx, and an
 * {@link ApiError} carrying the problem (with its errors by row and column) otherwise.
 */
export function uploadCsv(url: string, token: string | undefined, file: File, onProgress: (percent: number) => void): Promise<unknown> {
  return new Promise((done, fail) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'text/csv; charset=utf-8');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) done(body);
      else fail(new ApiError(xhr.status, typeof body === 'object' && body !== null && 'title' in body ? (body as Schemas['Problem']) : undefined));
    };
    xhr.onerror = () => fail(new Error('上传失败：网络错误'));
    xhr.send(file);
  });
}

/**
 * A CSV upload as the import screens run it: `sent` is the percentage sent while it runs (undefined
 * otherwise), `error` what the upload or `onAnswer` threw (an {@link ApiError} with the errors by
 * row and column when the API refuses the file). `path` is the API route, e.g. `/imports/villages`.
 */
export function useCsvUpload(path: string, onAnswer: (body: unknown) => void) {
  const { config, auth } = useConsole();
  const [sent, setSent] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const upload = async (file: File) => {
    setError(undefined);
    setSent(0);
    try {
      onAnswer(await uploadCsv(`${config.apiUrl}${path}`, await auth.token(), file, setSent));
    } catch (err) {
      setError(err);
    } finally {
      setSent(undefined);
    }
  };
  return { sent, error, upload };
}
