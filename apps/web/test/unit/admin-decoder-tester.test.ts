import { describe, expect, it } from 'vitest';
import { DECODER_FUNCTIONS, downlinkDataIssue, hexBytes, testBody } from '~/lib/decoder-payload';

describe('decoder test panel: the three TS013 functions', () => {
  const input = { format: 'hex' as const, payload: '02 02 D0', fPort: 2, data: '{ "valve": "CLOSED", "intervalMinutes": 720 }' };

  it('sends bytes to decodeUplink and decodeDownlink, and a JSON object to encodeDownlink', () => {
    expect(testBody('decodeUplink', input, 'src')).toEqual({
      function: 'decodeUplink',
      payloadHex: '0202d0',
      fPort: 2,
      decoderSource: 'src',
    });
    expect(testBody('decodeDownlink', { ...input, format: 'base64', payload: ' AgLQ ' }, 'src')).toEqual({
      function: 'decodeDownlink',
      payloadBase64: 'AgLQ',
      fPort: 2,
      decoderSource: 'src',
    });
    expect(testBody('encodeDownlink', input, 'src')).toEqual({
      function: 'encodeDownlink',
      data: { valve: 'CLOSED', intervalMinutes: 720 },
      decoderSource: 'src',
    });
    expect(DECODER_FUNCTIONS).toEqual(['decodeUplink', 'decodeDownlink', 'encodeDownlink']);
  });

  it('checks the downlink data is a JSON object before sending it', () => {
    expect(downlinkDataIssue('  ')).toBe('empty');
    expect(downlinkDataIssue('{ valve: 1 }')).toBe('json');
    expect(downlinkDataIssue('[1, 2]')).toBe('object');
    expect(downlinkDataIssue('"CLOSED"')).toBe('object');
    expect(downlinkDataIssue('null')).toBe('object');
    expect(downlinkDataIssue('{\n  \n}')).toBeNull();
    expect(downlinkDataIssue('{"valve":"OPEN"}')).toBeNull();
  });

  it('shows encoded bytes as spaced hexadecimal pairs', () => {
    expect(hexBytes([2, 2, 0xd0])).toBe('02 02 D0');
    expect(hexBytes([])).toBe('');
  });
});
