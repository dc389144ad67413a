#!/usr/bin/env node
// OpenClaw CLI stand-in shipped by lease-simulator: only `--version` and `gateway --port N` (foreground) exist.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const argv = process.argv.slice(2);
if (argv[0] === '--version' || argv[0] === '-V') {
  process.stdout.write(`${pkg.version}\n`);
  process.exit(0);
}
if (argv[0] === 'gateway') {
  createRequire(import.meta.url)('./dist/index.js');
} else {
  process.stderr.write(`openclaw ${pkg.version} (lease-simulator stand-in): only --version and "gateway --port <port>" are implemented\n`);
  process.exit(1);
}
