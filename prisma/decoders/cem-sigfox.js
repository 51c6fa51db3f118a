/*
 * Cem CEM-SFX01 (Sigfox) - scenario "Hourly index". Sigfox has no port: fPort is null.
 *
 * Payload, 12 bytes (the Sigfox maximum), big-endian:
 *   byte 0      0x01 frame type
 *   bytes 1-4   cumulative index in litres, uint32
 *   byte 5      battery level in %, uint8
 *   byte 6      flags: bit0 tamper, bit1 lowBattery, bit2 tilt, bit3 reverseFlow, bit4 leak, bit5 burst
 *   byte 7      valve: 0x00 open, 0x01 closed
 *   bytes 8-9   peak flow of the period in litres per hour, uint16
 *   byte 10     water temperature in degrees C, int8
 *   byte 11     checksum: XOR of bytes 0-10
 *
 * Example: 01 00 01 E2 40 57 00 00 01 2C 0F xx -> 123.456 m3, 87 %, no alarm, open, 300 L/h, 15 C.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 12) return { errors: ['expected 12 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x01) return { errors: ['unknown frame type 0x' + b[0].toString(16)], warnings: [] };
  var x = 0;
  for (var i = 0; i < 11; i++) x ^= b[i];
  if (x !== b[11]) return { errors: ['checksum mismatch'], warnings: [] };
  var litres = ((b[1] << 24) >>> 0) + (b[2] << 16) + (b[3] << 8) + b[4];
  var f = b[6];
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[5], 100),
      alarms: {
        tamper: (f & 0x01) !== 0,
        lowBattery: (f & 0x02) !== 0,
        tilt: (f & 0x04) !== 0,
        reverseFlow: (f & 0x08) !== 0,
        leak: (f & 0x10) !== 0,
        burst: (f & 0x20) !== 0,
      },
      valve: b[7] === 0x01 ? 'CLOSED' : 'OPEN',
      peakFlowLph: (b[8] << 8) | b[9],
      temperatureC: b[10] > 127 ? b[10] - 256 : b[10],
    },
    warnings: b[5] > 100 ? ['battery level out of range: ' + b[5]] : [],
    errors: [],
  };
}
