import type { App } from '../context.ts';

export function unitRoutes(app: App): void {
  void app;
}
