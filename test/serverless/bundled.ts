/** The handlers as deployed, for the bundle tests: built with the stack's esbuild settings, configured by environment only. */
import { build } from 'esbuild';
import { symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESM_REQUIRE_BANNER, LAMBDA_MAIN_FIELDS, LAMBDA_TARGET } from '../../infra/bundling.ts';
import { LOCAL_CREDENTIALS } from '../../scripts/local/services.ts';
import type { LocalStack } from '../../scripts/local/stack.ts';

/** Bundles each entry point to `outDir/<name>.mjs` as infra/stack.ts does (ESM, the require shim; AWS SDK left to the runtime). */
export async function bundleHandlers(entryPoints: Record<string, string>, outDir: string): Promise<void> {
  await build({
    entryPoints,
    bundle: true, platform: 'node', format: 'esm', target: LAMBDA_TARGET, outdir: outDir, outExtension: { '.js': '.mjs' },
    mainFields: LAMBDA_MAIN_FIELDS, external: ['@aws-sdk/*'], logLevel: 'silent',
    banner: { js: ESM_REQUIRE_BANNER },
  });
  // The Lambda runtime provides @aws-sdk to everything the bundle loads, its fit threads included
  // (threads/fit-threads.ts): here the repository's node_modules does.
  symlinkSync(resolve('node_modules'), join(outDir, 'node_modules'));
}

/** The environment a deployed handler gets, pointed at the local services, plus `extra`. */
export function useLambdaEnvironment(stack: LocalStack, extra: Record<string, string>): void {
  Object.assign(process.env, {
    BUCKET_NAME: stack.bucket, TABLE_NAME: stack.table, TIME_ZONE: 'Asia/Shanghai',
    AWS_ENDPOINT_URL_S3: stack.s3Server.endpoint, AWS_ENDPOINT_URL_DYNAMODB: stack.dynamo.endpoint,
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_TRACE_ENABLED: 'false',
    ...extra,
  });
}
