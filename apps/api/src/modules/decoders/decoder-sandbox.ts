import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  getQuickJS,
  shouldInterruptAfterDeadline,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { SANDBOX_GLOBALS } from './sandbox-globals';
import * as host from './sandbox-host';

/** Input of a TS013 `decodeUplink(input)` call. */
export interface DecodeInput {
  bytes: number[];
  fPort?: number | null;
  recvTime: Date;
}

/** Input of a TS013 `decodeDownlink(input)` call. */
export interface DownlinkDecodeInput {
  bytes: number[];
  fPort?: number | null;
}

/** Input of a TS013 `encodeDownlink(input)` call. */
export interface EncodeInput {
  data: unknown;
}

/** What a TS013 decoder returns; `errors` also carries sandbox failures (timeouts, memory, throws). */
export interface DecodeOutput {
  data: Record<string, unknown> | null;
  warnings: string[];
  errors: string[];
  /** What the decoder wrote to `console` during the call (absent when nothing). */
  logs?: string[];
}

/** What a TS013 `encodeDownlink` returns. */
export interface EncodeOutput {
  bytes: number[] | null;
  fPort: number | null;
  warnings: string[];
  errors: string[];
  logs?: string[];
}

export type DecoderFunction = 'decodeUplink' | 'decodeDownlink' | 'encodeDownlink';
export const DECODER_FUNCTIONS: readonly DecoderFunction[] = ['decodeUplink', 'decodeDownlink', 'encodeDownlink'];

/** One call of a decoder's function with its input. */
export type SandboxRequest =
  | { fn: 'decodeUplink'; input: DecodeInput }
  | { fn: 'decodeDownlink'; input: DownlinkDecodeInput }
  | { fn: 'encodeDownlink'; input: EncodeInput };

export type OutputOf<F extends DecoderFunction> = F extends 'encodeDownlink' ? EncodeOutput : DecodeOutput;
export type SandboxOutput = DecodeOutput | EncodeOutput;

export interface SandboxLimits {
  /** Time per call; ChirpStack and The Things Stack both default to 100 ms. */
  timeoutMs: number;
  /** Time to load (compile and run the top level of) a decoder script. */
  compileTimeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 100,
  compileTimeoutMs: 1000,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
};
/** Most a single call may be given (a scenario's budget or a test request's). */
export const MAX_TIMEOUT_MS = 1000;
/** Warnings and errors kept per result, and characters per entry. */
export const MESSAGES_MAX = 100;
export const MESSAGE_MAX_CHARS = 1000;

/** Where a sandbox is (for a watchdog on another thread): loading a decoder, or calling it. */
export type SandboxPhase = 'compile' | 'call' | 'idle';

/** The clear texts of the limits, shared by the in-thread interrupt and the host's kill. */
export const limitError = {
  timeout: (ms: number) => `timeout: the decoder ran longer than its ${ms} ms budget and was stopped`,
  memory: (bytes: number) => `memory: the decoder went over its ${Math.round(bytes / 1048576)} MiB memory limit and was stopped`,
  stack: () => 'stack overflow: the decoder recursed too deeply and was stopped',
};

/** Thrown when a cached decoder is asked for without its source and is not (or no longer) cached. */
export class MissingSourceError extends Error {}

/**
 * Node's Buffer, as vendors' CommonJS codecs expect (ChirpStack offers it in its QuickJS sandbox too):
 * the `buffer` package and its two dependencies, loaded by a tiny module loader inside the sandbox;
 * then the other globals (sandbox-globals.ts) and the CommonJS `module`/`exports`.
 */
function preludeSource(): string {
  // createRequire works both compiled (CommonJS) and under the test runner (ESM).
  const resolve = createRequire(__filename).resolve;
  // 'buffer/' (with the slash) is the npm package, not Node's built-in module of the same name.
  const src = (name: string) => readFileSync(resolve(name === 'buffer' ? 'buffer/' : name), 'utf8');
  const mod = (name: string) => `${JSON.stringify(name)}: function (module, exports, require) {\n${src(name)}\n}`;
  return `(function () {
  var modules = { ${[mod('base64-js'), mod('ieee754'), mod('buffer')].join(',\n')} };
  var cache = {};
  function load(name) {
    if (cache[name]) return cache[name].exports;
    var m = { exports: {} };
    cache[name] = m;
    modules[name](m, m.exports, load);
    return m.exports;
  }
  globalThis.__bufferModule = load('buffer');
  globalThis.Buffer = globalThis.__bufferModule.Buffer;
})();
${SANDBOX_GLOBALS}
var module = { exports: {} };
var exports = module.exports;
`;
}

let prelude: string | undefined;

class CompiledDecoder {
  /** `__water.run(name, json)`: runs one of the decoder's functions, answers JSON. */
  run?: QuickJSHandle;
  constructor(
    readonly runtime: QuickJSRuntime,
    readonly context: QuickJSContext,
  ) {}
  dispose() {
    try {
      this.run?.dispose();
      this.context.dispose();
    } finally {
      this.runtime.dispose();
    }
  }
}

function errorText(context: QuickJSContext, handle: QuickJSHandle): string {
  const e = context.dump(handle) as unknown;
  handle.dispose();
  if (e && typeof e === 'object') {
    const o = e as { name?: string; message?: string };
    return `${o.name ?? 'Error'}: ${o.message ?? JSON.stringify(e)}`;
  }
  return String(e);
}

const HOST_FUNCTIONS: Record<string, (...args: never[]) => string> = {
  aes: host.aes,
  aesCtr: host.aesCtr,
  hash: host.hash,
  hmac: host.hmac,
  cmac: host.cmac,
  random: host.random,
};

/**
 * Runs untrusted TS013 decoders in QuickJS (WebAssembly): no process, filesystem, network, timers or
 * host objects; time and memory are capped per decoder. Compiled decoders are cached by key (scenario
 * id and version), so a changed profile compiles afresh. The interrupt handler stops most runaway code
 * at the budget; code that never reaches it (a catastrophic regular expression, one long native call)
 * is the job of the thread pool around it (decoder-pool.ts), which kills the thread.
 */
export class DecoderSandbox {
  private readonly cache = new Map<string, CompiledDecoder>();
  /** Set when the WebAssembly runtime itself failed (a trap): the module may be corrupt, the thread must go. */
  broken: string | null = null;

  private constructor(
    private readonly quickjs: QuickJSWASMModule,
    readonly limits: SandboxLimits,
    private readonly maxCached: number,
    private readonly onPhase?: (phase: SandboxPhase, deadline: number) => void,
  ) {}

  static async create(
    limits: Partial<SandboxLimits> = {},
    maxCached = 200,
    onPhase?: (phase: SandboxPhase, deadline: number) => void,
  ): Promise<DecoderSandbox> {
    prelude ??= preludeSource();
    return new DecoderSandbox(await getQuickJS(), { ...DEFAULT_LIMITS, ...limits }, maxCached, onPhase);
  }

  /**
   * Calls one of the decoder's functions. With a key, the decoder is cached under it (compiled from
   * `source` when absent; MissingSourceError when absent and no source is given); without, it is
   * compiled for this call only (the console's test panel).
   */
  run<F extends DecoderFunction>(
    key: string | null,
    source: string | undefined,
    req: Extract<SandboxRequest, { fn: F }>,
    timeoutMs = this.limits.timeoutMs,
  ): OutputOf<F> {
    let compiled = key === null ? undefined : this.cache.get(key);
    if (!compiled) {
      if (source === undefined) throw new MissingSourceError(`decoder ${key} is not loaded`);
      let made: ReturnType<DecoderSandbox['compile']>;
      try {
        made = this.compile(source);
      } catch (e) {
        this.broken = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        return failure(req.fn, [`decoder failed to load: ${this.limitText(this.broken, this.limits.compileTimeoutMs)}`]);
      }
      if ('error' in made) return failure<F>(req.fn, [made.error], made.logs);
      compiled = made.decoder;
      if (key !== null) this.remember(key, compiled);
    } else {
      // Least recently used goes first when the cache is full.
      this.cache.delete(key!);
      this.cache.set(key!, compiled);
    }
    const result = this.call(compiled, req, timeoutMs);
    // A trapped runtime cannot be freed safely: the thread ends with it.
    if (this.broken) return result as OutputOf<F>;
    if (key === null) compiled.dispose();
    // A decoder stopped half-way may be left in any state: start it afresh next time.
    else if (result.errors.some((e) => /^(timeout|memory|stack overflow):/.test(e))) this.forget(key);
    return result as OutputOf<F>;
  }

  /** decodeUplink with the decoder cached under `key`, compiling `source` when absent. */
  decode(key: string, source: string, input: DecodeInput, timeoutMs?: number): DecodeOutput {
    return this.run(key, source, { fn: 'decodeUplink', input }, timeoutMs);
  }

  /** Compiles and runs decodeUplink once without caching. */
  test(source: string, input: DecodeInput, timeoutMs?: number): DecodeOutput {
    return this.run(null, source, { fn: 'decodeUplink', input }, timeoutMs);
  }

  has(key: string): boolean {
    return this.cache.has(key);
  }

  forget(keyPrefix: string): void {
    for (const [k, d] of this.cache) {
      if (k === keyPrefix || k.startsWith(`${keyPrefix}:`)) {
        this.cache.delete(k);
        d.dispose();
      }
    }
  }

  dispose(): void {
    for (const d of this.cache.values()) {
      try {
        d.dispose();
      } catch {
        // A runtime left by a trap may not free cleanly; the thread ends anyway.
      }
    }
    this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }

  private remember(key: string, decoder: CompiledDecoder) {
    this.cache.set(key, decoder);
    while (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.get(oldest)!.dispose();
      this.cache.delete(oldest);
    }
  }

  /** Classifies a failure of the sandbox itself by its message. */
  private limitText(text: string, timeoutMs: number): string {
    if (/\binterrupted\b/i.test(text)) return limitError.timeout(timeoutMs);
    if (/out of memory/i.test(text)) return limitError.memory(this.limits.memoryBytes);
    if (/stack overflow|Maximum call stack/i.test(text)) return limitError.stack();
    return text;
  }

  private compile(source: string): { decoder: CompiledDecoder } | { error: string; logs?: string[] } {
    const runtime = this.quickjs.newRuntime();
    runtime.setMemoryLimit(this.limits.memoryBytes);
    runtime.setMaxStackSize(this.limits.stackBytes);
    const context = runtime.newContext();
    const decoder = new CompiledDecoder(runtime, context);
    const deadline = Date.now() + this.limits.compileTimeoutMs;
    this.onPhase?.('compile', deadline);
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
    const hostObject = context.newObject();
    for (const [name, fn] of Object.entries(HOST_FUNCTIONS)) {
      const f = context.newFunction(name, (...args) =>
        context.newString((fn as (...a: unknown[]) => string)(...args.map((a): unknown => context.dump(a)))),
      );
      context.setProp(hostObject, name, f);
      f.dispose();
    }
    context.setProp(context.global, '__host', hostObject);
    hostObject.dispose();
    const loadedPrelude = context.evalCode(prelude!, 'prelude.js');
    if (loadedPrelude.error) {
      const text = errorText(context, loadedPrelude.error);
      decoder.dispose();
      return { error: `sandbox prelude failed: ${text}` };
    }
    loadedPrelude.value.dispose();
    const loaded = context.evalCode(scriptOf(source), 'decoder.js');
    if (loaded.error) {
      const text = this.limitText(errorText(context, loaded.error), this.limits.compileTimeoutMs);
      const logs = this.takeLogs(context);
      decoder.dispose();
      return { error: `decoder failed to load: ${text}`, logs };
    }
    loaded.value.dispose();
    const water = context.getProp(context.global, '__water');
    const has = context.getProp(water, 'has');
    const found = context.callFunction(has, water);
    has.dispose();
    const ok = found.error ? false : context.dump(found.value) === true;
    if (found.error) found.error.dispose();
    else found.value.dispose();
    if (!ok) {
      water.dispose();
      const logs = this.takeLogs(context);
      decoder.dispose();
      return { error: 'decoder defines no decodeUplink, decodeDownlink or encodeDownlink (input) function', logs };
    }
    decoder.run = context.getProp(water, 'run');
    water.dispose();
    // Lines the top level wrote stay in the sandbox and come out with the first call's.
    return { decoder };
  }

  /** Console lines written while loading a decoder that failed to load. */
  private takeLogs(context: QuickJSContext): string[] {
    try {
      const r = context.evalCode('globalThis.__water ? globalThis.__water.run("", "{}") : ""');
      if (r.error) {
        r.error.dispose();
        return [];
      }
      const text = context.dump(r.value) as unknown;
      r.value.dispose();
      const parsed = typeof text === 'string' && text ? (JSON.parse(text) as { logs?: string[] }) : {};
      return parsed.logs ?? [];
    } catch {
      return [];
    }
  }

  private call(decoder: CompiledDecoder, req: SandboxRequest, timeoutMs: number): SandboxOutput {
    const { context, runtime } = decoder;
    const payload =
      req.fn === 'encodeDownlink'
        ? { data: req.input.data }
        : {
            bytes: req.input.bytes,
            fPort: req.input.fPort ?? undefined,
            recvTime: req.fn === 'decodeUplink' ? req.input.recvTime.getTime() : undefined,
          };
    const name = context.newString(req.fn);
    const arg = context.newString(JSON.stringify(payload));
    const deadline = Date.now() + timeoutMs;
    this.onPhase?.('call', deadline);
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
    let res: ReturnType<QuickJSContext['callFunction']>;
    try {
      res = context.callFunction(decoder.run!, context.undefined, name, arg);
    } catch (e) {
      // The WebAssembly runtime trapped (its native stack overflowed, typically): nothing in it can be trusted now.
      const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.broken = text;
      return failure(req.fn, [this.limitText(text, timeoutMs)]);
    } finally {
      name.dispose();
      arg.dispose();
    }
    if (res.error) return failure(req.fn, [this.limitText(errorText(context, res.error), timeoutMs)]);
    const text = context.dump(res.value) as unknown;
    res.value.dispose();
    let parsed: { result?: unknown; threw?: string; fatal?: string; logs?: string[] };
    try {
      parsed = JSON.parse(String(text)) as typeof parsed;
    } catch {
      return failure(req.fn, ['decoder result is not serialisable']);
    }
    const logs = Array.isArray(parsed.logs) ? parsed.logs.map(String) : undefined;
    if (parsed.threw !== undefined) return failure(req.fn, [this.limitText(clip(parsed.threw), timeoutMs)], logs);
    if (parsed.fatal !== undefined) return failure(req.fn, [clip(parsed.fatal)], logs);
    const out = normalise(req.fn, parsed.result);
    if (logs) out.logs = logs;
    return out;
  }
}

/**
 * ES-module codecs (`export function decodeUplink…`) as scripts: their exported declarations become
 * plain top-level ones, `export default x` becomes `module.exports = x`, and `export { a, b }` lists
 * are dropped (the names are top-level already). A script without `export` is left as it is.
 */
export function scriptOf(source: string): string {
  if (!/^[ \t]*export\s/m.test(source)) return source;
  return source
    .replace(/^([ \t]*)export\s+default\s+/gm, '$1module.exports = ')
    .replace(/^([ \t]*)export\s+(?=(async\s+)?function\b|const\b|let\b|var\b|class\b)/gm, '$1')
    .replace(/^[ \t]*export\s*\{[^}]*\}\s*;?/gm, '');
}

function clip(s: string): string {
  return s.length > MESSAGE_MAX_CHARS ? `${s.slice(0, MESSAGE_MAX_CHARS - 1)}…` : s;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.slice(0, MESSAGES_MAX).map((x) => clip(typeof x === 'string' ? x : (JSON.stringify(x) ?? String(x)))) : [];

/** A result that only says what went wrong, in the shape of the function's result. */
export function failure<F extends DecoderFunction>(fn: F, errors: string[], logs?: string[]): OutputOf<F> {
  const base: SandboxOutput =
    fn === 'encodeDownlink' ? { bytes: null, fPort: null, warnings: [], errors } : { data: null, warnings: [], errors };
  if (logs?.length) base.logs = logs;
  return base as OutputOf<F>;
}

function normalise(fn: DecoderFunction, result: unknown): SandboxOutput {
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    return failure(fn, [`${fn} must return an object { ${fn === 'encodeDownlink' ? 'bytes, fPort' : 'data'}, warnings, errors }`]);
  }
  const r = result as { data?: unknown; bytes?: unknown; fPort?: unknown; warnings?: unknown; errors?: unknown };
  const warnings = strings(r.warnings);
  const errors = strings(r.errors);
  if (fn === 'encodeDownlink') {
    const bytes = Array.isArray(r.bytes) && r.bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? (r.bytes as number[]) : null;
    const fPort = Number.isInteger(r.fPort) && (r.fPort as number) >= 1 && (r.fPort as number) <= 255 ? (r.fPort as number) : null;
    if (!errors.length) {
      if (!bytes) errors.push('encodeDownlink must return bytes: an array of integers 0…255');
      if (r.fPort !== undefined && r.fPort !== null && fPort === null) errors.push('encodeDownlink returned an fPort outside 1…255');
    }
    return { bytes: errors.length ? null : bytes, fPort: errors.length ? null : fPort, warnings, errors };
  }
  const data = r.data && typeof r.data === 'object' && !Array.isArray(r.data) ? (r.data as Record<string, unknown>) : null;
  if (!data && errors.length === 0) errors.push(`${fn} returned no data`);
  return { data, warnings, errors };
}
