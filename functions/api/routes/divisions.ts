import type { App } from '../context.ts';

export function divisionRoutes(app: App): void {
  void app;
}
