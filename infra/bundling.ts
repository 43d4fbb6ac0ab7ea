/**
 * How the Lambda handlers are bundled (esbuild): the stack's NodejsFunctions and the tests that
 * load the bundles as deployed use these same settings.
 */
export const LAMBDA_TARGET = 'node22';
export const LAMBDA_MAIN_FIELDS = ['module', 'main'];
/** CommonJS dependencies (papaparse, exceljs) call require() inside the ESM bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
