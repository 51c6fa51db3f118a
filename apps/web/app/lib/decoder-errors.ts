/**
 * The decoder sandbox answers its own failures in English (apps/api modules/decoders decoder-sandbox.ts
 * `limitError`, decoder-pool.ts): these are the platform's words, not the decoder author's, so the tester
 * shows them in the page's language. An error the decoder itself threw is the author's text and stays as is.
 */
export interface DecoderErrorText {
  key: string;
  params: Record<string, string | number>;
}

const LOAD_PREFIX = /^decoder failed to load:\s*/i;

/** i18n key and parameters of a sandbox failure; null for the decoder's own errors. */
export function decoderErrorText(message: string): DecoderErrorText | null {
  const loading = LOAD_PREFIX.test(message);
  const text = message.replace(LOAD_PREFIX, '');
  let m = /^timeout: .*?(\d+) ms/i.exec(text);
  if (m) return { key: loading ? 'profiles.tester.limits.loadTimeout' : 'profiles.tester.limits.runTimeout', params: { ms: Number(m[1]) } };
  // QuickJS's own word when the interrupt handler stops a script the classifier did not see.
  if (/^InternalError: interrupted\b/i.test(text))
    return { key: loading ? 'profiles.tester.limits.loadInterrupted' : 'profiles.tester.limits.runInterrupted', params: {} };
  m = /^memory: .*?(\d+) MiB/i.exec(text);
  if (m) return { key: 'profiles.tester.limits.memory', params: { mib: Number(m[1]) } };
  if (/^(InternalError: )?out of memory/i.test(text)) return { key: 'profiles.tester.limits.memoryUnknown', params: {} };
  if (/^stack overflow\b|Maximum call stack/i.test(text)) return { key: 'profiles.tester.limits.stack', params: {} };
  if (/^decoder thread stopped\b/i.test(text)) return { key: 'profiles.tester.limits.threadStopped', params: {} };
  if (/^decoder defines no decodeUplink/i.test(text)) return { key: 'profiles.tester.limits.noFunction', params: {} };
  m = /^(decodeUplink|decodeDownlink|encodeDownlink) returned no data$/.exec(text);
  if (m) return { key: 'profiles.tester.limits.noData', params: { fn: m[1]! } };
  if (/^encodeDownlink must return bytes/.test(text)) return { key: 'profiles.tester.limits.bytes', params: {} };
  if (/^encodeDownlink returned an fPort outside/.test(text)) return { key: 'profiles.tester.limits.fPort', params: {} };
  if (loading) return { key: 'profiles.tester.limits.load', params: { message: text } };
  return null;
}
