import type { BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * The one description of how a Lambda bundle is built. The stack hands it to `NodejsFunction` and the
 * bundle benchmark hands it to esbuild directly, so the figures the benchmark prints are the figures
 * of what is deployed.
 */
export const lambdaBundle = {
  target: 'node22',
  minify: true,
  sourcemap: true,
  // Sources stay out of the map: stack traces need names and lines, not a second copy of the code.
  sourcesContent: false,
  // Prefer ES modules so esbuild can tree-shake; CommonJS dependencies still work thanks to the banner.
  mainFields: ['module', 'main'],
  // ESM output has no `require`; CommonJS dependencies bundled into it (and Node built-ins they load
  // dynamically) need one.
  banner: "import { createRequire as __vfCreateRequire } from 'module'; const require = __vfCreateRequire(import.meta.url);",
  // The AWS SDK v3 comes with the nodejs22.x runtime (CDK's default for NodejsFunction too): left out,
  // it takes about 300 KB off every bundle and loads from the runtime's own copy. The price is that
  // the runtime's SDK version, not the lock file's, runs on AWS; the code uses only long-stable
  // commands of DynamoDB and Step Functions, which the integration tests exercise.
  external: ['@aws-sdk/*'] as string[],
} as const;

/**
 * Files of npm packages that a function reads at run time instead of bundling them, by package name
 * (the API's docs UI: about 1.9 MB of Swagger UI that only `/docs` needs). They are copied beside the
 * bundle under `node_modules/<package>/`, where Node resolves them exactly as it does in the project.
 */
export type RuntimeFiles = Readonly<Record<string, readonly string[]>>;

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Shell commands copying `files` from the project's node_modules into a bundle's output folder. */
export function copyRuntimeFilesCommands(files: RuntimeFiles, projectRoot: string, outputDir: string): string[] {
  return Object.entries(files).flatMap(([pkg, names]) => {
    const to = join(outputDir, 'node_modules', pkg);
    return [`mkdir -p ${shellQuote(to)}`, `cp ${names.map((n) => shellQuote(join(projectRoot, 'node_modules', pkg, n))).join(' ')} ${shellQuote(to)}/`];
  });
}

/** The same copy as {@link copyRuntimeFilesCommands}, done in-process (for the bundle benchmark); returns the bytes copied. */
export function copyRuntimeFiles(files: RuntimeFiles, projectRoot: string, outputDir: string): number {
  let bytes = 0;
  for (const [pkg, names] of Object.entries(files)) {
    const to = join(outputDir, 'node_modules', pkg);
    mkdirSync(to, { recursive: true });
    for (const name of names) {
      copyFileSync(join(projectRoot, 'node_modules', pkg, name), join(to, name));
      bytes += statSync(join(to, name)).size;
    }
  }
  return bytes;
}

/** `NodejsFunction` bundling options built from {@link lambdaBundle}, plus `runtimeFiles` copied beside the bundle; always bundles locally. */
export function nodejsBundling(runtimeFiles: RuntimeFiles = {}): BundlingOptions {
  return {
    target: lambdaBundle.target,
    format: OutputFormat.ESM,
    minify: lambdaBundle.minify,
    sourceMap: lambdaBundle.sourcemap,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: lambdaBundle.sourcesContent,
    mainFields: [...lambdaBundle.mainFields],
    banner: lambdaBundle.banner,
    externalModules: [...lambdaBundle.external],
    forceDockerBundling: false,
    ...(Object.keys(runtimeFiles).length > 0
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => copyRuntimeFilesCommands(runtimeFiles, inputDir, outputDir),
          },
        }
      : {}),
  };
}

/** esbuild options producing the same bundle as {@link nodejsBundling} (plus a metafile). */
export function esbuildOptions(entryPoint: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: lambdaBundle.target,
    minify: lambdaBundle.minify,
    sourcemap: lambdaBundle.sourcemap,
    sourcesContent: lambdaBundle.sourcesContent,
    mainFields: [...lambdaBundle.mainFields],
    banner: { js: lambdaBundle.banner },
    external: [...lambdaBundle.external],
    metafile: true,
    logLevel: 'silent',
  };
}
