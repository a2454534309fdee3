import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleSourceHash } from '../../../local/console-build.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): { dir: string; lock: string } {
  const root = mkdtempSync(join(tmpdir(), 'console-hash-'));
  dirs.push(root);
  const dir = join(root, 'console');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
  writeFileSync(join(dir, 'src', 'main.tsx'), 'export {};');
  const lock = join(root, 'package-lock.json');
  writeFileSync(lock, '{"lockfileVersion":3}');
  return { dir, lock };
}

// npm start rebuilds the console exactly when this hash changes, so it must follow every source and
// the lock file, and ignore the build's own output.
describe('the console build hash', () => {
  it('is stable, and changes with a source, a new file, a renamed file or the lock file', () => {
    const { dir, lock } = project();
    const first = consoleSourceHash(dir, lock);
    expect(consoleSourceHash(dir, lock)).toBe(first);
    writeFileSync(join(dir, 'src', 'main.tsx'), 'export const x = 1;');
    const edited = consoleSourceHash(dir, lock);
    expect(edited).not.toBe(first);
    writeFileSync(join(dir, 'src', 'other.ts'), '');
    const added = consoleSourceHash(dir, lock);
    expect(added).not.toBe(edited);
    rmSync(join(dir, 'src', 'other.ts'));
    writeFileSync(join(dir, 'src', 'renamed.ts'), '');
    expect(consoleSourceHash(dir, lock)).not.toBe(added);
    rmSync(join(dir, 'src', 'renamed.ts'));
    expect(consoleSourceHash(dir, lock)).toBe(edited);
    writeFileSync(lock, '{"lockfileVersion":3,"packages":{}}');
    expect(consoleSourceHash(dir, lock)).not.toBe(edited);
  });

  it('ignores the build output and the recorded hash', () => {
    const { dir, lock } = project();
    const before = consoleSourceHash(dir, lock);
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'assets', 'index-abc.js'), 'built');
    writeFileSync(join(dir, '.dist-hash'), before);
    expect(consoleSourceHash(dir, lock)).toBe(before);
  });
});
