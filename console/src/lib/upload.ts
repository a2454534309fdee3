import { ApiError, type Schemas } from '../api/client';

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
