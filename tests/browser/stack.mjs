// Starts the demo for the browser test: the demo origin and Viceroy running the Fastly wasm
// with the project's fastly.toml, its origin backend pointed at the origin's port and its data
// files made absolute (as the end-to-end harness does). Paths come from the environment, with
// the project's build outputs as defaults.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

const WASM = resolve(ROOT, process.env.TAILOR_WASM ?? 'target/wasm32-wasip1/release/tailor-fastly-init.wasm');
const ORIGIN = resolve(ROOT, process.env.TAILOR_DEMO_ORIGIN ?? 'target/release/examples/demo_origin');
const VICEROY = process.env.VICEROY ?? join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin/viceroy');

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** fastly.toml with the origin on `originPort` and every data file absolute. */
function manifest(originPort) {
  return readFileSync(join(ROOT, 'fastly.toml'), 'utf8')
    .replace(/url = "http:\/\/127\.0\.0\.1:\d+"/, `url = "http://127.0.0.1:${originPort}"`)
    .replace(/file = "(?!\/)/g, `file = "${ROOT}/`);
}

async function waitUntilUp(url, child, log) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}); see ${log}`);
    try {
      const answer = await fetch(url);
      if (answer.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within 60 s; see ${log}`);
}

/** Starts origin + Viceroy; returns `{ base, log, stop }`. */
export async function startViceroy() {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-browser-'));
  const originPort = await freePort();
  const port = await freePort();
  writeFileSync(join(dir, 'fastly.toml'), manifest(originPort));
  const log = join(dir, 'viceroy.log');
  const out = openSync(log, 'a');
  const origin = spawn(ORIGIN, [`127.0.0.1:${originPort}`, join(ROOT, 'demo/origin')],
    { stdio: ['ignore', out, out] });
  const viceroy = spawn(VICEROY, ['serve', WASM, '-C', join(dir, 'fastly.toml'), '--addr', `127.0.0.1:${port}`],
    { stdio: ['ignore', out, out] });
  const stop = () => { for (const c of [viceroy, origin]) if (c.exitCode === null) c.kill('SIGTERM'); };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`http://127.0.0.1:${originPort}/pages/index.html`, origin, log);
    await waitUntilUp(`${base}/healthz`, viceroy, log);
  } catch (e) {
    stop();
    throw e;
  }
  return { base, log, stop };
}

// Viceroy 0.22 itself panics (host side, outside the wasm) when a client hangs up before its
// response is sent: not a fault of the code under test, so counted apart.
const CLIENT_GONE = /viceroy-lib-[\d.]+\/src\/sandbox\/downstream\.rs/;

/** Lines of the runtime's log that show a trap or a panic of the code under test. */
export function traps(log) {
  return readFileSync(log, 'utf8').split('\n')
    .filter((l) => /panicked at|wasm trap|wasm backtrace|RuntimeError|error while executing|error handling the request/i.test(l))
    .filter((l) => !CLIENT_GONE.test(l));
}
