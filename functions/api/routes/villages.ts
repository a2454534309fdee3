import type { App } from '../context.ts';

export function villageRoutes(app: App): void {
  void app;
}
