import { describe, expect, it } from 'vitest';
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z as plainZod } from 'zod';
import { documented, json, pageOf } from '../../../functions/platform/http/schemas.ts';

// A schema made with plain zod, as domain and store modules make them.
const thing = plainZod.object({ id: plainZod.string(), size: plainZod.number().int() });

function documentOf(schema: plainZod.ZodType) {
  const app = new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/things',
      operationId: 'listThings',
      responses: { 200: { description: 'One page', content: json(pageOf(schema, 'ThingPage')) } },
    }),
    (c) => c.json({ items: [] }, 200),
  );
  return app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
}

describe('documented()', () => {
  it('with { ref, description } makes a named component and $refs to it, with no stray `ref` property', () => {
    const doc = documentOf(documented(thing, { ref: 'Thing', description: 'A thing' }));
    expect(doc.components?.schemas?.Thing).toMatchObject({ type: 'object', description: 'A thing', required: ['id', 'size'] });
    expect(doc.components?.schemas?.ThingPage).toMatchObject({ properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Thing' } } } });
    expect(JSON.stringify(doc)).not.toMatch(/"ref":/);
  });

  it('with a name alone makes the same component', () => {
    const doc = documentOf(documented(thing, 'Thing'));
    expect(doc.components?.schemas?.ThingPage).toMatchObject({ properties: { items: { items: { $ref: '#/components/schemas/Thing' } } } });
  });

  it('without ref documents the schema inline', () => {
    const doc = documentOf(documented(thing, { description: 'A thing' }));
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(['ThingPage']);
    expect(doc.components?.schemas?.ThingPage).toMatchObject({ properties: { items: { items: { type: 'object', description: 'A thing' } } } });
  });
});
