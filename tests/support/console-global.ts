import { ensureConsoleBuilt } from '../../local/console-build.ts';

/**
 * The e2e tier's global setup: build the console once, before any file starts a local host. Every
 * host would otherwise find the build stale and run Vite itself, several at once into one folder.
 */
export default async function setup(): Promise<void> {
  await ensureConsoleBuilt((line) => console.log(line));
}
