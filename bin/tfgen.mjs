#!/usr/bin/env node
// The `tfgen` command (package.json "bin"). Runs the built CLI (dist/), or, in a checkout of the
// repository without a build, the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/codegen/aot/cli.js', import.meta.url);
const source = new URL('../codegen/aot/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(built.href);
}
process.exitCode = await cli.main(process.argv.slice(2));
