import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { startStepFunctionsLocal, MAX_REQUEST_BYTES, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { buildApp, maxCsvBodyBytes, maxJsonBodyBytes } from '../../../functions/api/app.ts';

// Review finding B: one large request body killed the whole local host (the Step Functions endpoint
// buffered it into one string, ERR_STRING_TOO_LONG in an unguarded listener), and the API buffered
// a 600 MB JSON body whole. Every endpoint now answers 413 and stays up.

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * POST `bytes` bytes of filler to `url`, with a Content-Length or chunked (no length, so the server
 * must count as it reads). Resolves with the answer even if the server cuts the upload short.
 */
function post(url: string, headers: Record<string, string>, bytes: number, chunked: boolean): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent: false, headers: chunked ? headers : { ...headers, 'content-length': String(bytes) } });
    // The server may close the connection after answering, while the upload is still being written.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', (err) => {
      if (!answered) fail(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !answered && !req.destroyed) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const LARGE = 40 * 1024 * 1024;

describe('the local Step Functions endpoint', () => {
  let sfn: RunningStepFunctionsLocal;
  beforeAll(async () => {
    sfn = await startStepFunctionsLocal({ port: 0, region: 'cn-north-1', stateMachineArnPrefix: 'arn:aws:states:cn-north-1:000000000000:stateMachine:t-', stateMachines: [], handlers: new Map() });
  });
  afterAll(() => sfn.stop());
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' };

  it.each([
    ['with a Content-Length', false],
    ['streamed without a length', true],
  ])('answers 413 in the awsJson1_0 shape to a body over 1 MiB %s, and keeps serving', async (_how, chunked) => {
    const reply = await post(sfn.endpoint, headers, LARGE, chunked);
    expect(reply.status).toBe(413);
    expect(reply.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
    const body = JSON.parse(reply.body) as { __type: string; message: string };
    expect(body.__type).toBe('RequestEntityTooLargeException');
    expect(body.message).toContain(String(MAX_REQUEST_BYTES));
    const next = await post(sfn.endpoint, { ...headers, 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, 0, false);
    expect(next.status).toBe(200);
  });

  it('still takes a body just under the limit (parsed, then refused for its content, not its size)', async () => {
    const reply = await post(sfn.endpoint, headers, MAX_REQUEST_BYTES, false);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).__type).toBe('SerializationException');
  });
});

describe('the API on @hono/node-server', () => {
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const app = buildApp();
    const server = await new Promise<ReturnType<typeof serve>>((done) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise<void>((done) => server.close(() => done()));
  });
  afterAll(() => close());

  it.each([
    ['JSON with a Content-Length', '/villages', 'application/json', false, maxJsonBodyBytes],
    ['JSON streamed without a length', '/villages', 'application/json', true, maxJsonBodyBytes],
    ['JSON to a path that does not exist', '/no-such-route', 'application/json', false, maxJsonBodyBytes],
    ['CSV with a Content-Length', '/imports/villages', 'text/csv', false, maxCsvBodyBytes],
    ['CSV streamed without a length', '/imports/villages', 'text/csv', true, maxCsvBodyBytes],
  ])('answers 413 problem+json naming the limit to a large body (%s), and keeps serving', async (_how, path, type, chunked, limit) => {
    // limit + 1 MiB: @hono/node-server discards a refused body for at most 500 ms, then closes the
    // connection, which could cut a much larger upload before its answer is read on a busy machine.
    const reply = await post(base + path, { 'content-type': type }, limit + 1024 * 1024, chunked);
    expect(reply.status).toBe(413);
    expect(String(reply.headers['content-type'])).toContain('application/problem+json');
    expect(JSON.parse(reply.body).detail).toContain(`at most ${limit} bytes`);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
  });
});
