import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { copyRuntimeFiles, esbuildOptions, type RuntimeFiles } from '../infra/bundling.ts';
import { docsRuntimeFiles } from '../functions/api/docs.ts';
import { taskFunctions } from '../workflows/registry.ts';

// Bundle every Lambda exactly as the stack does (the options come from infra/bundling.ts), then
// import each bundle cold in a fresh Node process. Baseline: a bundle of an empty handler, built and
// imported the same way in the same run, so the figures say what our code and dependencies add.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = 5;
const targets = { api: { kb: 1024, ms: 300 }, task: { kb: 500, ms: 300 } } as const;

// What the modules read at import time (config is validated lazily, but set it all as Lambda would).
const lambdaEnv = {
  ...process.env,
  AWS_REGION: 'ap-southeast-1',
  TABLE_NAME: 'village-flow-bench',
  STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:ap-southeast-1:123456789012:stateMachine:village-flow-dev-',
  JWKS_URL: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_example/.well-known/jwks.json',
  JWT_ISSUER: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_example',
  JWT_AUDIENCE: 'bench-client',
  LOG_LEVEL: 'SILENT',
  NODE_OPTIONS: '',
};

interface Row {
  readonly name: string;
  readonly kind: 'api' | 'task' | 'baseline';
  readonly kb: number;
  /** Package files shipped beside the bundle (read at run time, not imported). */
  readonly besideKb: number;
  readonly importMs: number;
}

async function bundle(entry: string, outDir: string, name: string, runtimeFiles: RuntimeFiles): Promise<{ file: string; kb: number; besideKb: number }> {
  const file = join(outDir, name, 'index.mjs');
  const result = await build(esbuildOptions(entry, file));
  const output = result.metafile?.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('index.mjs')) ?? ''];
  if (!output) throw new Error(`esbuild reported no output for ${name}`);
  return { file, kb: output.bytes / 1024, besideKb: copyRuntimeFiles(runtimeFiles, root, dirname(file)) / 1024 };
}

/** Median over fresh processes of the time `import()` of the bundle takes, measured inside the process. */
function coldImportMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnv, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`importing ${file} failed:\n${child.stderr}`);
    samples.push(Number(child.stdout));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

export default async function (): Promise<void> {
  // Inside the repository, so that the bundles' external AWS SDK resolves from node_modules the
  // way it resolves from the runtime's own copy on Lambda.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const outDir = mkdtempSync(join(root, '.tmp', 'bundles-'));
  try {
    const baselineEntry = join(outDir, 'baseline.ts');
    writeFileSync(baselineEntry, 'export const handler = async (event: unknown) => event;\n');
    const entries: { name: string; kind: Row['kind']; entry: string; runtimeFiles?: RuntimeFiles }[] = [
      { name: 'baseline (empty handler)', kind: 'baseline', entry: baselineEntry },
      { name: 'api', kind: 'api', entry: join(root, 'functions/api/handler.ts'), runtimeFiles: docsRuntimeFiles },
      ...taskFunctions.map((fn) => ({ name: fn.id, kind: 'task' as const, entry: join(root, fn.entry) })),
    ];
    const rows: Row[] = [];
    for (const e of entries) {
      const { file, kb, besideKb } = await bundle(e.entry, outDir, e.name.replace(/[^a-z0-9-]/gi, '_'), e.runtimeFiles ?? {});
      rows.push({ name: e.name, kind: e.kind, kb, besideKb, importMs: coldImportMs(file) });
    }
    const baseline = rows[0] as Row;
    const table = rows.map((r) => {
      const target = r.kind === 'baseline' ? undefined : targets[r.kind];
      const ok = !target || (r.kb <= target.kb && r.importMs <= target.ms);
      return {
        function: r.name,
        'bundle KB': r.kb.toFixed(1),
        'target KB': target ? `≤ ${target.kb}` : '',
        'files beside KB': r.besideKb > 0 ? r.besideKb.toFixed(1) : '',
        'cold import ms': r.importMs.toFixed(1),
        'target ms': target ? `≤ ${target.ms}` : '',
        'import × baseline': (r.importMs / baseline.importMs).toFixed(1),
        verdict: target ? (ok ? 'ok' : 'OVER TARGET') : '',
      };
    });
    console.log(`esbuild (minified ESM, node22, AWS SDK external as on the Lambda runtime, loaded from node_modules here); cold import = median of ${runs} fresh node processes`);
    console.log('files beside = package files shipped next to the bundle and read only when needed (the API: Swagger UI for /docs)');
    console.table(table);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
