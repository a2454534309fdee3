import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../functions/api/app.ts';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { villages } from '../functions/platform/registries/store/village.ts';

// One API server for bench/api.bench.ts, in its own process so that the load generator does not
// share its event loop. `app`: the real API. `bare`: the same GetItem behind a bare Hono route,
// with no auth, validation, logging or error handling: the floor the real API is compared with.
const mode = process.argv[2];

function bare(): Hono {
  const app = new Hono();
  app.get('/villages/:code', async (c) => {
    const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: villages.keyOf({ code: c.req.param('code') }) }));
    return Item ? c.json(Item) : c.notFound();
  });
  return app;
}

const app = mode === 'bare' ? bare() : buildApp();
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
