import { handle } from 'hono/aws-lambda';
import { buildApp } from './app.ts';

/** Lambda entry of the API (API Gateway HTTP API, payload v2); the app is built once per container. */
export const handler = handle(buildApp());
