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

/** Input of a TS013 `decodeUplink(input)` call. */
export interface DecodeInput {
  bytes: number[];
  fPort?: number | null;
  recvTime: Date;
}

/** What a TS013 decoder returns; `errors` also carries sandbox failures (timeouts, memory, throws). */
export interface DecodeOutput {
  data: Record<string, unknown> | null;
  warnings: string[];
  errors: string[];
}

export interface SandboxLimits {
  /** CPU time per decode call; ChirpStack and The Things Stack both default to 100 ms. */
  timeoutMs: number;
  /** Time to load (compile and run the top level of) a decoder script. */
  compileTimeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 100, compileTimeoutMs: 1000, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 };

/**
 * Node's Buffer, as vendors' CommonJS codecs expect (ChirpStack offers it in its QuickJS sandbox too):
 * the `buffer` package and its two dependencies, loaded by a tiny module loader inside the sandbox.
 */
function bufferPrelude(): string {
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
  globalThis.Buffer = load('buffer').Buffer;
})();
var module = { exports: {} };
var exports = module.exports;
`;
}

let preludeSource: string | undefined;

class CompiledDecoder {
  /** `__call(json)`: parses the input, runs the decoder, returns its result as JSON (compiled once). */
  call?: QuickJSHandle;
  constructor(
    readonly runtime: QuickJSRuntime,
    readonly context: QuickJSContext,
  ) {}
  dispose() {
    try {
      this.call?.dispose();
      this.context.dispose();
    } finally {
      this.runtime.dispose();
    }
  }
}

function errorText(context: QuickJSContext, handle: Parameters<QuickJSContext['dump']>[0]): string {
  const e = context.dump(handle) as unknown;
  handle.dispose();
  if (e && typeof e === 'object') {
    const o = e as { name?: string; message?: string };
    return `${o.name ?? 'Error'}: ${o.message ?? JSON.stringify(e)}`;
  }
  return String(e);
}

/**
 * Runs untrusted TS013 decoders in QuickJS (WebAssembly): no process, filesystem, network, timers or
 * host objects; CPU time and memory are capped per decoder. Compiled decoders are cached by key
 * (scenario id and version), so a changed profile compiles afresh.
 */
export class DecoderSandbox {
  private readonly cache = new Map<string, CompiledDecoder>();

  private constructor(
    private readonly quickjs: QuickJSWASMModule,
    readonly limits: SandboxLimits,
    private readonly maxCached: number,
  ) {}

  static async create(limits: Partial<SandboxLimits> = {}, maxCached = 200): Promise<DecoderSandbox> {
    preludeSource ??= bufferPrelude();
    return new DecoderSandbox(await getQuickJS(), { ...DEFAULT_LIMITS, ...limits }, maxCached);
  }

  /** Decodes with the decoder cached under `key`, compiling `source` when absent. */
  decode(key: string, source: string, input: DecodeInput): DecodeOutput {
    let compiled = this.cache.get(key);
    if (!compiled) {
      const made = this.compile(source);
      if ('error' in made) return { data: null, warnings: [], errors: [made.error] };
      compiled = made.decoder;
      this.remember(key, compiled);
    } else {
      // Least recently used goes first when the cache is full.
      this.cache.delete(key);
      this.cache.set(key, compiled);
    }
    const result = this.call(compiled, input);
    // A decoder interrupted or out of memory may be left half-way: start it afresh next time.
    if (result.errors.some((e) => /interrupted|out of memory|stack overflow/i.test(e))) this.forget(key);
    return result;
  }

  /** Compiles and runs once without caching (the console's "test payload" panel). */
  test(source: string, input: DecodeInput): DecodeOutput {
    const made = this.compile(source);
    if ('error' in made) return { data: null, warnings: [], errors: [made.error] };
    try {
      return this.call(made.decoder, input);
    } finally {
      made.decoder.dispose();
    }
  }

  forget(keyPrefix: string): void {
    for (const [k, d] of this.cache) {
      if (k === keyPrefix || k.startsWith(`${keyPrefix}:`)) {
        d.dispose();
        this.cache.delete(k);
      }
    }
  }

  dispose(): void {
    for (const d of this.cache.values()) d.dispose();
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

  private compile(source: string): { decoder: CompiledDecoder } | { error: string } {
    const runtime = this.quickjs.newRuntime();
    runtime.setMemoryLimit(this.limits.memoryBytes);
    runtime.setMaxStackSize(this.limits.stackBytes);
    const context = runtime.newContext();
    const decoder = new CompiledDecoder(runtime, context);
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + this.limits.compileTimeoutMs * 5));
    const prelude = context.evalCode(preludeSource!, 'prelude.js');
    if (prelude.error) {
      const text = errorText(context, prelude.error);
      decoder.dispose();
      return { error: `sandbox prelude failed: ${text}` };
    }
    prelude.value.dispose();
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + this.limits.compileTimeoutMs));
    const loaded = context.evalCode(source, 'decoder.js');
    if (loaded.error) {
      const text = errorText(context, loaded.error);
      decoder.dispose();
      return { error: `decoder failed to load: ${text}` };
    }
    loaded.value.dispose();
    // TS013 scripts declare decodeUplink; others assign it to globalThis or export it (CommonJS).
    const found = context.evalCode(
      `globalThis.__decode = (typeof decodeUplink === 'function' && decodeUplink)
        || (module.exports && typeof module.exports.decodeUplink === 'function' && module.exports.decodeUplink)
        || (typeof module.exports === 'function' && module.exports) || null;
       typeof globalThis.__decode === 'function'`,
    );
    const ok = found.error ? false : context.dump(found.value) === true;
    if (found.error) found.error.dispose();
    else found.value.dispose();
    if (!ok) {
      decoder.dispose();
      return { error: 'decoder defines no decodeUplink(input) function' };
    }
    // Compiled once: each uplink then costs a function call, not the parsing of a new script.
    const call = context.evalCode(
      `(function (s) {
        var a = JSON.parse(s);
        var r = globalThis.__decode({ bytes: a.bytes, fPort: a.fPort, recvTime: new Date(a.recvTime) });
        return JSON.stringify(r === undefined ? null : r);
      })`,
      'call.js',
    );
    if (call.error) {
      const text = errorText(context, call.error);
      decoder.dispose();
      return { error: `sandbox call failed: ${text}` };
    }
    decoder.call = call.value;
    return { decoder };
  }

  private call(decoder: CompiledDecoder, input: DecodeInput): DecodeOutput {
    const { context, runtime } = decoder;
    const arg = context.newString(JSON.stringify({ bytes: input.bytes, fPort: input.fPort ?? undefined, recvTime: input.recvTime.getTime() }));
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + this.limits.timeoutMs));
    const res = context.callFunction(decoder.call!, context.undefined, arg);
    arg.dispose();
    if (res.error) return { data: null, warnings: [], errors: [errorText(context, res.error)] };
    const text = context.dump(res.value) as unknown;
    res.value.dispose();
    return normalise(text);
  }
}

function normalise(text: unknown): DecodeOutput {
  if (typeof text !== 'string') return { data: null, warnings: [], errors: ['decoder result is not serialisable'] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { data: null, warnings: [], errors: ['decoder result is not serialisable'] };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { data: null, warnings: [], errors: ['decodeUplink must return an object { data, warnings, errors }'] };
  }
  const r = parsed as { data?: unknown; warnings?: unknown; errors?: unknown };
  const strings = (v: unknown) => (Array.isArray(v) ? v.map((x) => String(x)).slice(0, 20) : []);
  const data = r.data && typeof r.data === 'object' && !Array.isArray(r.data) ? (r.data as Record<string, unknown>) : null;
  const errors = strings(r.errors);
  if (!data && errors.length === 0) errors.push('decodeUplink returned no data');
  return { data, warnings: strings(r.warnings), errors };
}
