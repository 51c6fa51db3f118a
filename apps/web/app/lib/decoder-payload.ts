/**
 * Helpers of the decoder editor: the field mapping typed as JSON and the sample payload of the
 * "test payload" panel, checked the way the API checks them.
 */
export type PayloadFormat = 'hex' | 'base64';

/** Hex as people paste it ("68 0C 01", "0x680C01", "68:0c:01") reduced to plain digits. */
export function normalizeHex(text: string): string {
  return text
    .replace(/0x/gi, '')
    .replace(/[\s:,-]/g, '')
    .toLowerCase();
}

export function payloadIssue(format: PayloadFormat, text: string): 'empty' | 'hex' | 'base64' | 'tooLong' | null {
  const value = format === 'hex' ? normalizeHex(text) : text.trim();
  if (!value) return 'empty';
  if (format === 'hex') {
    if (!/^([0-9a-f]{2})+$/.test(value)) return 'hex';
    return value.length / 2 > 1024 ? 'tooLong' : null;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) return 'base64';
  return value.length > 2800 ? 'tooLong' : null;
}

/** The body of POST …/scenarios/:id/test for a valid payload. */
export function payloadBody(format: PayloadFormat, text: string, fPort: number | null, decoderSource: string): Record<string, unknown> {
  return {
    ...(format === 'hex' ? { payloadHex: normalizeHex(text) } : { payloadBase64: text.trim() }),
    fPort,
    decoderSource,
  };
}

/** The TS013 functions the test panel can call. */
export type DecoderFunction = 'decodeUplink' | 'decodeDownlink' | 'encodeDownlink';
export const DECODER_FUNCTIONS: readonly DecoderFunction[] = ['decodeUplink', 'decodeDownlink', 'encodeDownlink'];

/** What is wrong with the JSON object typed as encodeDownlink's `data`, or null. */
export function downlinkDataIssue(text: string): 'empty' | 'json' | 'object' | null {
  if (!text.trim()) return 'empty';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'json';
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? null : 'object';
}

/** The body of POST …/scenarios/:id/test for a function: bytes for the decoders, a JSON object for encodeDownlink. */
export function testBody(
  fn: DecoderFunction,
  input: { format: PayloadFormat; payload: string; fPort: number | null; data: string },
  decoderSource: string,
): Record<string, unknown> {
  if (fn === 'encodeDownlink') return { function: fn, data: JSON.parse(input.data) as Record<string, unknown>, decoderSource };
  return { function: fn, ...payloadBody(input.format, input.payload, input.fPort, decoderSource) };
}

/** Bytes as the panel shows them: spaced hexadecimal pairs. */
export function hexBytes(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

export type FieldMappingResult =
  { ok: true; value: Record<string, string> } | { ok: false; issue: 'json' | 'object' | 'entry' | 'tooMany'; key?: string };

/** Parses the field mapping text: a JSON object of decoder output key → reading field, both non-empty strings. */
export function parseFieldMapping(text: string): FieldMappingResult {
  if (!text.trim()) return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, issue: 'json' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, issue: 'object' };
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > 50) return { ok: false, issue: 'tooMany' };
  for (const [key, value] of entries) {
    if (!key || key.length > 60 || typeof value !== 'string' || !value.trim() || value.trim().length > 100)
      return { ok: false, issue: 'entry', key };
  }
  return { ok: true, value: Object.fromEntries(entries.map(([key, value]) => [key, (value as string).trim()])) };
}

/** The mapping as the editor shows it. */
export function fieldMappingText(mapping: Record<string, string> | null | undefined): string {
  return mapping && Object.keys(mapping).length ? JSON.stringify(mapping, null, 2) : '';
}

/** Line count of a text, at least one (for the editor's line-number gutter). */
export function lineCount(text: string): number {
  let lines = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}
