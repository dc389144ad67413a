#!/usr/bin/env node
// OpenClaw CLI stand-in shipped by lease-simulator: `--version`, `gateway --port N` (foreground) and
// `backup create|verify|restore` (OPENCLAW.md §4: an archive of the state dir, never restored in place).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, lstatSync, existsSync, cpSync, rmSync, chmodSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const argv = process.argv.slice(2);
function backup(args) {
  const sub = args[0];
  const opts = { json: false, verify: false, onlyConfig: false, dryRun: false, output: null, target: null, positional: [] };
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') opts.json = true;
    else if (a === '--verify') opts.verify = true;
    else if (a === '--only-config') opts.onlyConfig = true;
    else if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--no-include-workspace') { /* no workspaces in the stand-in */ }
    else if (a === '--output') opts.output = args[++i];
    else if (a.startsWith('--output=')) opts.output = a.slice(9);
    else if (a === '--target') opts.target = args[++i];
    else if (a.startsWith('--target=')) opts.target = a.slice(9);
    else if (a.startsWith('-')) return fail(opts, `unknown option ${a}`, 2);
    else opts.positional.push(a);
  }
  try {
    if (sub === 'create') return create(opts);
    if (sub === 'verify') return verifyCommand(opts);
    if (sub === 'restore') return restore(opts);
  } catch (e) {
    return fail(opts, e.message, 1);
  }
  return fail(opts, 'usage: openclaw backup create [--output DIR] [--verify] [--json] [--only-config] [--dry-run] | verify <archive> [--json] | restore <archive> --target <empty dir> [--json]', 2);
}

function out(opts, obj, text) {
  process.stdout.write(opts.json ? JSON.stringify(obj, null, 2) + '\n' : text + '\n');
}
function fail(opts, message, code) {
  if (opts.json) process.stdout.write(JSON.stringify({ ok: false, error: message }, null, 2) + '\n');
  process.stderr.write(`Error: ${message}\n`);
  return code;
}

function stateDir() {
  const home = process.env.OPENCLAW_HOME || os.homedir();
  return path.resolve(process.env.OPENCLAW_STATE_DIR || path.join(home, '.openclaw'));
}
function configPath() {
  return path.resolve(process.env.OPENCLAW_CONFIG_PATH || path.join(stateDir(), 'openclaw.json'));
}

const SKIP_DIRS = new Set(['tmp', 'npm', 'git', 'tools', 'dev', 'plugin-skills', 'cache', 'node_modules']);
function included(rel) {
  const parts = rel.split(path.sep);
  if (parts.some((p) => SKIP_DIRS.has(p))) return false;
  if ((parts[0] === 'sessions' || parts[0] === 'logs') && /\.(jsonl|log)$/.test(rel)) return false;
  return true;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function walk(root, rel, files) {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? path.join(rel, name) : name;
    if (!included(r)) continue;
    const st = lstatSync(path.join(root, r));
    if (st.isDirectory()) walk(root, r, files);
    else if (st.isFile() || st.isSymbolicLink()) files.push(r);
  }
  return files;
}

function create(opts) {
  const src = stateDir();
  if (!existsSync(src)) return fail(opts, `state directory ${src} does not exist`, 1);
  const createdAt = new Date().toISOString();
  const archiveRoot = `openclaw-backup-${createdAt.replace(/[:.]/g, '-')}`;
  const sources = opts.onlyConfig ? [configPath()] : walk(src, '', []).map((r) => path.join(src, r));
  const outDir = path.resolve(opts.output || process.cwd());
  const archivePath = path.join(outDir, `${archiveRoot}.tar.gz`);
  if (opts.dryRun) {
    out(opts, { ok: true, dryRun: true, archivePath, archiveRoot, assetCount: sources.length, paths: sources },
      `Would back up ${sources.length} file(s) from ${src} to ${archivePath}`);
    return 0;
  }
  const staging = mkdtempSync(path.join(os.tmpdir(), 'openclaw-backup-'));
  try {
    const root = path.join(staging, archiveRoot);
    const assets = [];
    for (const file of sources) {
      const dest = path.join(root, 'payload', 'posix', file);
      mkdirSync(path.dirname(dest), { recursive: true });
      cpSync(file, dest, { preserveTimestamps: true, verbatimSymlinks: true });
      const st = lstatSync(file);
      assets.push({ path: file, type: st.isSymbolicLink() ? 'symlink' : 'file', size: st.size, sha256: st.isSymbolicLink() ? null : sha256(file) });
    }
    const manifest = {
      schemaVersion: 1, archiveRoot, createdAt, runtimeVersion: pkg.version, nodeVersion: process.version, platform: 'darwin',
      onlyConfig: opts.onlyConfig,
      paths: { stateDir: src, configPath: configPath(), oauthDir: path.join(src, 'credentials'), workspaceDirs: [], agentRoots: [] },
      assets,
    };
    writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    mkdirSync(outDir, { recursive: true });
    execFileSync('tar', ['-czf', archivePath, '-C', staging, archiveRoot], { stdio: ['ignore', 'ignore', 'pipe'] });
    chmodSync(archivePath, 0o600);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  let verified = null;
  if (opts.verify) {
    verified = verifyArchive(archivePath);
    if (!verified.ok) return fail(opts, `verification of ${archivePath} failed: ${verified.error}`, 1);
  }
  const size = statSync(archivePath).size;
  out(opts, { ok: true, archivePath, archiveRoot, createdAt, runtimeVersion: pkg.version, assetCount: sources.length, sizeBytes: size, verified: verified ? true : false },
    `Backup written: ${archivePath} (${sources.length} file(s), ${size} bytes)${verified ? ', verified' : ''}`);
  return 0;
}

/** { ok, archivePath, archiveRoot, createdAt, runtimeVersion, assetCount, entryCount, symlinkCount } or { ok:false, error } */
function verifyArchive(archivePath) {
  const abs = path.resolve(archivePath);
  if (!existsSync(abs)) return { ok: false, archivePath: abs, error: `archive ${abs} does not exist` };
  let listing;
  try {
    listing = execFileSync('tar', ['-tvzf', abs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return { ok: false, archivePath: abs, error: `not a readable tar.gz archive: ${(e.stderr || e.message).toString().trim()}` };
  }
  const lines = listing.split('\n').filter((l) => l.trim());
  const names = execFileSync('tar', ['-tzf', abs], { encoding: 'utf8' }).split('\n').filter((l) => l.trim());
  const roots = new Set(names.map((n) => n.split('/')[0]));
  if (roots.size !== 1) return { ok: false, archivePath: abs, error: `expected one archive root, found ${roots.size}` };
  const archiveRoot = [...roots][0];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'openclaw-verify-'));
  try {
    execFileSync('tar', ['-xzf', abs, '-C', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    const manifestPath = path.join(tmp, archiveRoot, 'manifest.json');
    if (!existsSync(manifestPath)) return { ok: false, archivePath: abs, error: `${archiveRoot}/manifest.json is missing` };
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const a of manifest.assets || []) {
      const p = path.join(tmp, archiveRoot, 'payload', 'posix', a.path);
      if (!existsSync(p) && a.type !== 'symlink') return { ok: false, archivePath: abs, error: `asset ${a.path} is missing from the payload` };
      if (a.sha256 && sha256(p) !== a.sha256) return { ok: false, archivePath: abs, error: `asset ${a.path} does not match its sha256` };
    }
    return {
      ok: true, archivePath: abs, archiveRoot, createdAt: manifest.createdAt, runtimeVersion: manifest.runtimeVersion,
      assetCount: (manifest.assets || []).length, entryCount: names.length, symlinkCount: lines.filter((l) => l.startsWith('l')).length,
    };
  } catch (e) {
    return { ok: false, archivePath: abs, error: e.message };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function verifyCommand(opts) {
  if (opts.positional.length !== 1) return fail(opts, 'usage: openclaw backup verify <archive> [--json]', 2);
  const r = verifyArchive(opts.positional[0]);
  if (!r.ok) return fail(opts, r.error, 1);
  out(opts, r, `Archive OK: ${r.archivePath} (${r.assetCount} asset(s), ${r.entryCount} entries, runtime ${r.runtimeVersion})`);
  return 0;
}

function restore(opts) {
  if (opts.positional.length !== 1 || !opts.target) return fail(opts, 'usage: openclaw backup restore <archive> --target <empty dir> [--json]', 2);
  const target = path.resolve(opts.target);
  const live = stateDir();
  if (target === live || live.startsWith(target + path.sep) || target.startsWith(live + path.sep)) {
    return fail(opts, `refusing to restore in place: target ${target} overlaps the live state directory ${live}`, 1);
  }
  if (existsSync(target) && readdirSync(target).length > 0) return fail(opts, `restore target ${target} must be empty`, 1);
  const r = verifyArchive(opts.positional[0]);
  if (!r.ok) return fail(opts, r.error, 1);
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', r.archivePath, '-C', target], { stdio: ['ignore', 'ignore', 'pipe'] });
  const restoredRoot = path.join(target, r.archiveRoot);
  const result = { ok: true, archivePath: r.archivePath, archiveRoot: r.archiveRoot, target, restoredRoot,
    payloadRoot: path.join(restoredRoot, 'payload', 'posix'), assetCount: r.assetCount, runtimeVersion: r.runtimeVersion };
  out(opts, result, `Restored ${r.assetCount} asset(s) into ${restoredRoot} (not activated: stop the gateway, move it into place, start)`);
  return 0;
}

// dispatch last: the helpers above use module-level constants
if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') {
  process.stdout.write(`${pkg.version}\n`);
  process.exit(0);
}
if (argv[0] === 'gateway') {
  createRequire(import.meta.url)('./dist/index.js');
} else if (argv[0] === 'backup') {
  process.exit(backup(argv.slice(1)));
} else {
  process.stderr.write(`openclaw ${pkg.version} (lease-simulator stand-in): only --version, "gateway --port <port>" and "backup create|verify|restore" are implemented\n`);
  process.exit(1);
}
