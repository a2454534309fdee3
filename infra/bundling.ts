import type { BuildOptions } from 'esbuild';
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

/** `NodejsFunction` bundling options built from {@link lambdaBundle}; always bundles locally. */
export function nodejsBundling(): BundlingOptions {
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
