// Starts and stops an isolated code-server (a real VS Code with a Node extension host) for the e2e tests:
// 127.0.0.1 on a free port, no auth, its config/data/temp folders inside the run's own folder, stopped by its
// process-group id on success, failure, timeout and process exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const CODE_SERVER_BIN = join(REPO_ROOT, '.cache/code-server/node_modules/.bin/code-server');

export interface CodeServerOptions {
  /** Folder for this instance's user data, extensions, XDG dirs, temp files and log. */
  stateDir: string;
  /** Folder opened in the workbench. */
  workspace: string;
  /** Extra environment for the server (and so for its extension host). */
  env?: Record<string, string>;
  /** User settings written before start (merged over quiet defaults: no welcome page, no update checks). */
  settings?: Record<string, unknown>;
  /** Port to listen on (a restart on the same port keeps the browser's origin, so its storage, the same); a free one
   *  when not given. */
  port?: number;
}

const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface RunningCodeServer {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  extensionsDir: string;
  stop(): Promise<void>;
}

/** The isolated environment every code-server call uses (never the machine's ~/.config). */
export function isolatedEnv(stateDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dirs = { XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_CACHE_HOME: 'cache', TMPDIR: 'tmp' };
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [name, sub] of Object.entries(dirs)) {
    const dir = join(stateDir, sub);
    mkdirSync(dir, { recursive: true });
    env[name] = dir;
  }
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

export function requireCodeServer(): void {
  if (!existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}: run bash scripts/e2e/install-code-server.sh`);
  }
}

/** Installs a .vsix into the instance's extensions folder (what a user does with "Install from VSIX"). */
export function installExtension(stateDir: string, vsix: string): void {
  requireCodeServer();
  const extensionsDir = join(stateDir, 'extensions');
  const res = spawnSync(CODE_SERVER_BIN, ['--extensions-dir', extensionsDir, '--user-data-dir', join(stateDir, 'user'), '--install-extension', vsix, '--force'], {
    env: isolatedEnv(stateDir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (res.status !== 0) throw new Error(`installing ${vsix} failed (${res.status ?? res.signal}): ${res.stderr || res.stdout}`);
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export async function startCodeServer(opts: CodeServerOptions, timeoutMs = 60_000): Promise<RunningCodeServer> {
  requireCodeServer();
  const port = opts.port ?? (await freePort());
  const extensionsDir = join(opts.stateDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const userDir = join(opts.stateDir, 'user', 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  const logFile = join(opts.stateDir, 'code-server.log');
  const log = createWriteStream(logFile);
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', join(opts.stateDir, 'user'), '--extensions-dir', extensionsDir, opts.workspace,
  ];
  // detached: the server gets its own process group, so stopping it also stops its extension hosts and watchers.
  const child = spawn(CODE_SERVER_BIN, args, { env: isolatedEnv(opts.stateDir, opts.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const onExit = (): void => killGroup(child, 'SIGKILL');
  process.on('exit', onExit);

  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Children that outlived the server (if any) share its group id.
    killGroup(child, 'SIGKILL');
    log.end();
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`code-server exited with code ${child.exitCode} before answering; see ${logFile}`);
    }
    try {
      const res = await fetch(`${url}healthz`);
      if (res.ok) return { url, port, pid: child.pid ?? -1, logFile, extensionsDir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`code-server did not answer within ${timeoutMs} ms; see ${logFile}`);
}
