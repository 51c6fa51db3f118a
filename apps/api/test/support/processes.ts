import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';
import type { AppConfig } from '../../src/core/config/config';

const apiRoot = join(__dirname, '..', '..');

/**
 * Compiles the API's sources to CommonJS with SWC (decorator metadata included, as `nest build`
 * emits it) into a folder inside apps/api, so the compiled files resolve apps/api/node_modules.
 * About a second, where tsc would take most of a minute: crash tests run real processes on it.
 */
export async function compileApi(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = join(apiRoot, '.test-build', `${label}-${process.pid}`);
  const src = join(apiRoot, 'src');
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  await walk(src);
  await Promise.all(
    files.map(async (file) => {
      const out = await transformFile(file, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      const target = join(dir, relative(src, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, out.code);
    }),
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment a child process needs to run with a suite's configuration. */
export function envOf(config: AppConfig, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [k, v] of Object.entries(config)) if (v !== undefined && v !== null) env[k] = String(v);
  return { ...env, ...overrides };
}

export interface ChildNode {
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  output: () => string;
}

/** Starts `node [nodeArgs] <dir>/<entry>` with the given environment, keeping its last output for diagnostics. */
export function startNode(dir: string, entry: 'main.js' | 'worker.js', env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildNode {
  const child = spawn(process.execPath, [...nodeArgs, join(dir, entry)], { cwd: apiRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, output: () => out };
}

/** Waits until the API answers its health check, or fails with the process's output. */
export async function waitForHealth(url: string, node: ChildNode, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (node.child.exitCode !== null) throw new Error(`API exited early (${node.child.exitCode}):\n${node.output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API not healthy after ${ms} ms:\n${node.output()}`);
}

/** A TCP port free on 127.0.0.1 right now, for a child process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
