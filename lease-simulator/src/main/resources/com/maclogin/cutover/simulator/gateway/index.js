#!/usr/bin/env node
// OpenClaw Gateway stand-in shipped by lease-simulator (com.maclogin.cutover.simulator).
// It is NOT OpenClaw. It reproduces the surface a cutover orchestrator touches:
//   HTTP probes (/healthz /health /startupz /startup /readyz /ready), POST /hooks/wake,
//   exit codes (SIGTERM -> 0, bad config / newer state schema -> 78, EADDRINUSE -> 1),
//   the state-schema guard with the pre-startup migration backup, and the launchd "park" on refusal.
// Usage (as in the LaunchAgent plist): node [--max-old-space-size=N] .../dist/index.js gateway --port <port>
'use strict';

const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const childProcess = require('child_process');

const bootAt = Date.now();
const pkgRoot = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgRoot, 'package.json'), 'utf8'));
const VERSION = pkg.version;
const LABEL = process.env.OPENCLAW_LAUNCHD_LABEL || 'ai.openclaw.gateway';
const HOME = process.env.OPENCLAW_HOME || process.env.HOME || require('os').homedir();
const STATE_DIR = process.env.OPENCLAW_STATE_DIR || path.join(HOME, '.openclaw');
const CONFIG_PATH = process.env.OPENCLAW_CONFIG_PATH || path.join(STATE_DIR, 'openclaw.json');
const STATE_DB = path.join(STATE_DIR, 'state', 'openclaw.sqlite');

// Test-only fault injection (lease-simulator): ~/.sim/gateway-faults.json, {"<version>"|"*": {...}}, read at start.
function loadFaults() {
  try {
    const all = JSON.parse(fs.readFileSync(path.join(HOME, '.sim', 'gateway-faults.json'), 'utf8'));
    return all[VERSION] || all['*'] || {};
  } catch (e) {
    return {};
  }
}
const FAULTS = loadFaults();
// Run-time fault switches (LeaseSimulator#setFaults): ~/.sim/runtime-faults.json, re-read whenever the file changes.
const RUNTIME_FAULTS_PATH = path.join(HOME, '.sim', 'runtime-faults.json');
let runtimeFaultsCache = {};
let runtimeFaultsStamp = '';
function runtimeFaults() {
  try {
    const st = fs.statSync(RUNTIME_FAULTS_PATH);
    const stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (stamp !== runtimeFaultsStamp) {
      runtimeFaultsCache = JSON.parse(fs.readFileSync(RUNTIME_FAULTS_PATH, 'utf8')) || {};
      runtimeFaultsStamp = stamp;
    }
  } catch (e) {
    runtimeFaultsCache = {};
    runtimeFaultsStamp = '';
  }
  return runtimeFaultsCache;
}
let migrationFaultLogged = false;
let wakeCount = 0;
// start-up fault slowFirstWakes/slowFirstWakeMs: the first N wakes this process answers after it is ready are slow
// (a freshly started gateway warming its caches); later ones are not
let slowWakesLeft = Number.isInteger(FAULTS.slowFirstWakes) && FAULTS.slowFirstWakes > 0 ? FAULTS.slowFirstWakes : 0;
const SLOW_WAKE_MS = Number.isInteger(FAULTS.slowFirstWakeMs) && FAULTS.slowFirstWakeMs > 0 ? FAULTS.slowFirstWakeMs : 0;
const STARTUP_DELAY_MS = Number.isInteger(FAULTS.startupDelayMs) ? FAULTS.startupDelayMs
  : Math.max(0, parseInt(process.env.OPENCLAW_SIM_STARTUP_DELAY_MS || '800', 10) || 0);

function log(msg) {
  process.stdout.write(`${new Date().toISOString()} [gateway] ${msg}\n`);
}
function logErr(msg) {
  process.stderr.write(`${new Date().toISOString()} [gateway] ${msg}\n`);
}

// ---- state schema: 2026.9.5 -> 17, 2026.9.6 -> 18; monotonic in the version (same function as StateSchema.java)
function schemaFor(version) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(String(version));
  if (!m) return 1;
  const y = +m[1], mo = +m[2], p = +m[3];
  const months = (y - 2026) * 12 + (mo - 9);
  if (months < 0) return Math.max(1, 12 + months);
  return 12 + Math.min(p, 87) + 100 * months;
}
const SUPPORTED_SCHEMA = schemaFor(VERSION);

function parseArgs(argv) {
  const out = { command: null, port: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') out.port = parseInt(argv[++i], 10);
    else if (a.startsWith('--port=')) out.port = parseInt(a.slice(7), 10);
    else if (a === '--version' || a === '-V') out.command = 'version';
    else if (!a.startsWith('-') && out.command === null) out.command = a;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (args.command === 'version') {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
if (args.command !== 'gateway') {
  process.stderr.write(`openclaw (lease-simulator stand-in ${VERSION}): only "gateway --port <port>" and "--version" are implemented\n`);
  process.exit(1);
}

// ---- config
let config;
try {
  config = JSON.parse(fs.readFileSync(CONFIG_PATH, 'utf8'));
} catch (e) {
  logErr(`Invalid config at ${CONFIG_PATH}: ${e.message}`);
  process.exit(78);
}
const gw = config.gateway || {};
if (!gw.mode) {
  logErr(`Invalid config at ${CONFIG_PATH}: gateway.mode is required (run: openclaw config set gateway.mode local)`);
  process.exit(78);
}
const PORT = args.port || parseInt(process.env.OPENCLAW_GATEWAY_PORT || '', 10) || gw.port || 18789;
const GATEWAY_TOKEN = (gw.auth && gw.auth.token) || process.env.OPENCLAW_GATEWAY_TOKEN || null;
const hooks = config.hooks || {};
const HOOKS_PATH = (hooks.path || '/hooks').replace(/\/+$/, '');

// ---- launchd park (as OpenClaw's startup maintenance does): disable, then a detached bootout
function parkLaunchAgent(reason) {
  if (process.env.XPC_SERVICE_NAME !== LABEL) {
    logErr(`not running under launchd label ${LABEL}; not parking (${reason})`);
    return;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : 501;
  const shim = path.join(HOME, '.sim', 'bin', 'launchctl');
  const launchctl = fs.existsSync(shim) ? shim : 'launchctl';
  const target = `gui/${uid}/${LABEL}`;
  try {
    childProcess.execFileSync(launchctl, ['disable', target], { stdio: 'ignore', timeout: 10000 });
    logErr(`parked LaunchAgent: launchctl disable ${target}`);
  } catch (e) {
    logErr(`launchctl disable ${target} failed: ${e.message}`);
  }
  try {
    const child = childProcess.spawn(launchctl, ['bootout', target], { detached: true, stdio: 'ignore' });
    child.unref();
    logErr(`parked LaunchAgent: detached launchctl bootout ${target}`);
  } catch (e) {
    logErr(`launchctl bootout ${target} failed: ${e.message}`);
  }
}

// ---- state schema guard and pre-startup migration
function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE_DB, 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}
function writeState(state) {
  fs.mkdirSync(path.dirname(STATE_DB), { recursive: true });
  const tmp = `${STATE_DB}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, STATE_DB);
}

let state;
try {
  state = readState();
} catch (e) {
  logErr(`state database ${STATE_DB} is unreadable: ${e.message}`);
  logErr('refused startup: state database needs maintenance');
  parkLaunchAgent('unreadable state database');
  process.exit(78);
}
if (state === null) {
  state = { format: 'openclaw-sim-state', schema: SUPPORTED_SCHEMA, createdBy: VERSION, lastWrittenBy: VERSION };
  writeState(state);
  log(`created state database ${STATE_DB} (schema ${SUPPORTED_SCHEMA})`);
} else if (state.schema > SUPPORTED_SCHEMA) {
  logErr(`refused startup because 1 database schema(s) are newer than this build supports: state database ${STATE_DB} has schema ${state.schema}; this build supports ${SUPPORTED_SCHEMA}`);
  logErr('restore a backup taken with this version together with its package, or install a newer build (openclaw gateway start recovers a parked service)');
  parkLaunchAgent('newer state schema');
  process.exit(78);
} else if (state.schema < SUPPORTED_SCHEMA) {
  const backup = `${STATE_DB}.pre-startup-migration-${crypto.randomUUID()}.bak`;
  fs.copyFileSync(STATE_DB, backup);
  const from = state.schema;
  state = Object.assign({}, state, { schema: SUPPORTED_SCHEMA, lastWrittenBy: VERSION, migratedFrom: from, migratedAt: new Date().toISOString() });
  writeState(state);
  log(`migrated state database schema ${from} -> ${SUPPORTED_SCHEMA}; backup ${backup}`);
}

function simulatedError(message) {
  function loadGatewayModule() {
    return new Error(message);
  }
  return loadGatewayModule();
}
if (Number.isInteger(FAULTS.exitOnStartCode)) {
  const err = simulatedError('simulated start-up failure (lease-simulator fault exitOnStartCode)');
  logErr(`gateway failed to start: ${err.stack}`);
  process.exit(FAULTS.exitOnStartCode);
}

// ---- HTTP surface
let started = false;
let faultFailing = [];
let draining = false;
const wakeSeen = new Map();

function isLocalDirect(req) {
  const a = req.socket.remoteAddress || '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}
function hasForwardingHeaders(req) {
  return req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined || req.headers['x-real-ip'] !== undefined;
}
function bearer(req) {
  const h = req.headers['authorization'] || '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1].trim() : null;
}
function send(req, res, status, body, extraHeaders) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = Object.assign({
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  }, extraHeaders || {});
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : text);
}
function uptimeMs() {
  return Date.now() - bootAt;
}
function eventLoop() {
  return { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 1000, delayP99Ms: 1.2, delayMaxMs: 2.5, utilization: 0.002, cpuCoreRatio: 0.003 };
}

const PROBES = new Set(['/health', '/healthz', '/startup', '/startupz', '/ready', '/readyz']);

function handleProbe(req, res, p) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(req, res, 405, { error: { type: 'method_not_allowed', message: 'Method Not Allowed' } }, { Allow: 'GET, HEAD' });
  }
  if (hasForwardingHeaders(req)) {
    return send(req, res, 403, { error: { type: 'proxy_attribution_required', message: 'forwarded request from an untrusted proxy; configure gateway.trustedProxies' } });
  }
  const detailed = isLocalDirect(req) || (GATEWAY_TOKEN !== null && bearer(req) === GATEWAY_TOKEN);
  if (p === '/health' || p === '/healthz') {
    return send(req, res, 200, { ok: true, status: 'live' });
  }
  if (p === '/startup' || p === '/startupz') {
    if (draining) return send(req, res, 503, { ok: false, status: 'draining' });
    if (!started) return send(req, res, 503, { ok: false, status: 'starting', pendingReason: 'startup-sidecars' });
    return send(req, res, 200, detailed ? { ok: true, status: 'started', version: VERSION, uptimeMs: uptimeMs() } : { ok: true, status: 'started' });
  }
  // ready / readyz
  const failing = [];
  if (!started) failing.push('startup-sidecars');
  if (draining) failing.push('gateway-draining');
  for (const f of faultFailing) failing.push(f);
  if (runtimeFaults().halfAppliedMigration) {
    failing.push('state-database');
    if (!migrationFaultLogged) {
      migrationFaultLogged = true;
      logErr(`readiness check failing: state-database (migration of ${STATE_DB} incomplete: schema marker present, tables missing)`);
    }
  } else {
    migrationFaultLogged = false;
  }
  const ready = failing.length === 0;
  const body = detailed ? { ready, failing, uptimeMs: uptimeMs(), eventLoop: eventLoop() } : { ready };
  return send(req, res, ready ? 200 : 503, body);
}

function handleHooks(req, res, url) {
  if (!hooks.enabled) return send(req, res, 404, 'Not Found');
  const sub = url.pathname.slice(HOOKS_PATH.length);
  if (sub !== '/wake' && sub !== '/agent') return send(req, res, 404, 'Not Found');
  if (req.method !== 'POST') return send(req, res, 405, 'Method Not Allowed', { Allow: 'POST' });
  if (url.searchParams.has('token')) return send(req, res, 400, { ok: false, error: 'token in query string is not accepted; use Authorization: Bearer' });
  const token = bearer(req) || req.headers['x-openclaw-token'] || null;
  if (!hooks.token || token !== hooks.token) return send(req, res, 401, 'Unauthorized');
  if (!started || draining) return send(req, res, 503, { error: { type: 'unavailable', code: 'gateway_unavailable', message: 'gateway is not accepting work' } });
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 256 * 1024) {
      send(req, res, 413, { ok: false, error: 'payload too large' });
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch (e) {
      return send(req, res, 400, { ok: false, error: 'invalid JSON' });
    }
    if (sub === '/agent') {
      if (!body || typeof body.message !== 'string' || !body.message) return send(req, res, 400, { ok: false, error: 'message required' });
      return send(req, res, 200, { ok: true, runId: crypto.randomUUID() });
    }
    if (!body || typeof body.text !== 'string' || !body.text) return send(req, res, 400, { ok: false, error: 'text required' });
    const rf = runtimeFaults();
    const n = wakeCount++;
    const pct = Number.isInteger(rf.hookErrorPercent) ? rf.hookErrorPercent : 0;
    if (pct > 0 && Math.floor((n + 1) * pct / 100) > Math.floor(n * pct / 100)) {
      return send(req, res, 503, { error: { type: 'unavailable', code: 'gateway_unavailable', message: 'wake queue rejected the event' } });
    }
    let hookDelay = Number.isInteger(rf.hookDelayMillis) ? rf.hookDelayMillis : 0;
    if (slowWakesLeft > 0 && SLOW_WAKE_MS > 0) {
      slowWakesLeft--;
      hookDelay += SLOW_WAKE_MS;
      log(`[hooks] slow first wake after start: +${SLOW_WAKE_MS}ms (lease-simulator fault slowFirstWakes, ${slowWakesLeft} left)`);
    }
    const failure = rf.hookFailure || 'NONE';
    if (failure === 'HANG') {
      // an outbound call that never returns: no answer; the socket is dropped after 10 minutes
      setTimeout(() => req.socket.destroy(), 600000).unref();
      return undefined;
    }
    if (failure === 'BAD_GATEWAY_502' || failure === 'GATEWAY_TIMEOUT_504') {
      const status = failure === 'BAD_GATEWAY_502' ? 502 : 504;
      const message = status === 502 ? 'getaddrinfo ENOTFOUND api.openai.com' : 'upstream request timed out after 30000ms';
      return setTimeout(() => send(req, res, status, { ok: false, error: { type: 'upstream_error', message } }), hookDelay);
    }
    if (hookDelay > 0) {
      return setTimeout(() => answerWake(req, res, body), hookDelay);
    }
    return answerWake(req, res, body);
  });
}

function answerWake(req, res, body) {
  {
    const mode = body.mode === 'next-heartbeat' ? 'next-heartbeat' : 'now';
    const key = `${mode}\u0000${body.text}`;
    const now = Date.now();
    const seen = wakeSeen.get(key);
    wakeSeen.set(key, now);
    const outcome = seen !== undefined && now - seen < 60000 ? 'coalesced' : 'queued';
    log(`[hooks] wake ${outcome} mode=${mode}`);
    return send(req, res, 200, { ok: true, mode, eventOutcome: outcome });
  }
}

const server = http.createServer((req, res) => {
  const delay = runtimeFaults().responseDelayMillis;
  if (Number.isInteger(delay) && delay > 0) {
    setTimeout(() => route(req, res), delay);
  } else {
    route(req, res);
  }
});

function route(req, res) {
  let url;
  try {
    url = new URL(req.url, 'http://127.0.0.1');
  } catch (e) {
    return send(req, res, 400, 'Bad Request');
  }
  const p = url.pathname;
  if (PROBES.has(p)) return handleProbe(req, res, p);
  if (p === HOOKS_PATH || p.startsWith(HOOKS_PATH + '/')) return handleHooks(req, res, url);
  if (p.startsWith('/api/')) return send(req, res, 404, 'Not Found');
  if (req.method === 'GET' || req.method === 'HEAD') {
    // the Control UI single-page-app fallback answers unknown GET paths with 200 HTML
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>OpenClaw Control</title></head><body><div id="app" data-version="${VERSION}"></div></body></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(html) });
    return res.end(req.method === 'HEAD' ? undefined : html);
  }
  return send(req, res, 404, 'Not Found');
}

let bindAttempts = 0;
const BIND_RETRIES = Math.max(0, parseInt(process.env.OPENCLAW_SIM_BIND_RETRIES || '4', 10) || 0);
const listenStarted = Date.now();
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE' && bindAttempts < BIND_RETRIES) {
    bindAttempts++;
    setTimeout(() => server.listen(PORT, '127.0.0.1'), 250);
    return;
  }
  if (e.code === 'EADDRINUSE') {
    logErr(`another gateway instance is already listening on 127.0.0.1:${PORT} (EADDRINUSE)`);
  } else {
    logErr(`gateway failed: ${e.stack || e.message}`);
  }
  process.exit(1);
});
server.listen(PORT, '127.0.0.1', () => {
  log(`openclaw ${VERSION} (lease-simulator stand-in) pid=${process.pid} node=${process.version} state schema ${SUPPORTED_SCHEMA}`);
  log(`http server listening (127.0.0.1:${PORT}; ${((Date.now() - listenStarted) / 1000).toFixed(1)}s)`);
  log('starting channels and sidecars...');
  setTimeout(() => {
    started = true;
    log(`ready (uptime ${uptimeMs()}ms)`);
    if (FAULTS.logStackTraceOnReady) {
      // stackTraceMessage: the error's message, e.g. one that prints a secret as real gateways sometimes do
      const message = typeof FAULTS.stackTraceMessage === 'string' && FAULTS.stackTraceMessage
        ? FAULTS.stackTraceMessage : 'simulated sidecar failure (lease-simulator fault logStackTraceOnReady)';
      logErr(`unhandled error in channel sidecar: ${simulatedError(message).stack}`);
    }
    if (Number.isInteger(FAULTS.readyFailingAfterMs)) {
      setTimeout(() => {
        faultFailing = ['internal'];
        logErr('readiness check failing: internal (lease-simulator fault readyFailingAfterMs)');
      }, FAULTS.readyFailingAfterMs);
    }
    if (Number.isInteger(FAULTS.crashAfterMs)) {
      setTimeout(() => {
        logErr(`fatal: ${simulatedError('simulated crash (lease-simulator fault crashAfterMs)').stack}`);
        process.exit(1);
      }, FAULTS.crashAfterMs);
    }
  }, STARTUP_DELAY_MS);
});

function shutdown(signal) {
  if (draining) return;
  draining = true;
  log(`signal ${signal} received; draining`);
  server.close(() => {
    log('gateway stopped');
    process.exit(0);
  });
  server.closeAllConnections && server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
// Under the simulator's launchd emulator the parent is the simulator JVM; if it dies without stopping us
// (SIGKILL), exit instead of lingering as an orphan holding the port.
if (process.env.OPENCLAW_SIM_LEASE_ID) {
  const launchdPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== launchdPid) {
      logErr('launchd (lease-simulator) went away; exiting');
      process.exit(0);
    }
  }, 1000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
