/*
 * Ima IMA-LW-U1 universal reader (LoRaWAN) - scenario "Daily/hourly index", fPort 1.
 *
 * Payload, 8 bytes, big-endian:
 *   byte 0     0x49 ('I') frame marker
 *   byte 1     protocol version, 0x01
 *   bytes 2-5  cumulative index in litres, uint32
 *   byte 6     battery level in %, uint8
 *   byte 7     flags: bit0 tamper, bit1 tilt, bit2 reverseFlow, bit3 lowBattery, bit4 leak, bit5 burst,
 *              bit6 valve closed
 *
 * Example: 49 01 00 01 E2 40 57 00 -> 123.456 m3, 87 %, no alarm, valve open.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 8) return { errors: ['expected 8 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x49) return { errors: ['missing frame marker 0x49'], warnings: [] };
  if (b[1] !== 0x01) return { errors: ['unsupported protocol version ' + b[1]], warnings: [] };
  var litres = ((b[2] << 24) >>> 0) + (b[3] << 16) + (b[4] << 8) + b[5];
  var f = b[7];
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[6], 100),
      alarms: {
        tamper: (f & 0x01) !== 0,
        lowBattery: (f & 0x08) !== 0,
        tilt: (f & 0x02) !== 0,
        reverseFlow: (f & 0x04) !== 0,
        leak: (f & 0x10) !== 0,
        burst: (f & 0x20) !== 0,
      },
      valve: (f & 0x40) !== 0 ? 'CLOSED' : 'OPEN',
    },
    warnings: b[6] > 100 ? ['battery level out of range: ' + b[6]] : [],
    errors: [],
  };
}
