import type { App } from '../context.ts';

export function auditRoutes(app: App): void {
  void app;
}
