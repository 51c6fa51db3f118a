/*
 * Manas MNS-LRW100 (LoRaWAN) - scenario "Daily/hourly index", fPort 1.
 *
 * Payload, 8 bytes, big-endian:
 *   byte 0     0x10 frame type (index frame)
 *   bytes 1-4  cumulative index in litres, uint32
 *   byte 5     battery level in %, uint8 (0-100)
 *   byte 6     status flags: bit0 tamper, bit1 lowBattery, bit2 tilt, bit3 reverseFlow, bit4 leak, bit5 burst
 *   byte 7     valve: 0x00 open, 0x01 closed
 *
 * Example: 10 00 01 E2 40 57 00 00 -> 123.456 m3, 87 %, no alarm, valve open.
 * Output follows prisma/decoders/README.md (indexM3, batteryPct, alarms, valve).
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 8) return { errors: ['expected 8 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x10) return { errors: ['unknown frame type 0x' + b[0].toString(16)], warnings: [] };
  var litres = ((b[1] << 24) >>> 0) + (b[2] << 16) + (b[3] << 8) + b[4];
  var flags = b[6];
  var warnings = [];
  if (b[5] > 100) warnings.push('battery level out of range: ' + b[5]);
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[5], 100),
      alarms: {
        tamper: (flags & 0x01) !== 0,
        lowBattery: (flags & 0x02) !== 0,
        tilt: (flags & 0x04) !== 0,
        reverseFlow: (flags & 0x08) !== 0,
        leak: (flags & 0x10) !== 0,
        burst: (flags & 0x20) !== 0,
      },
      valve: b[7] === 0x01 ? 'CLOSED' : 'OPEN',
    },
    warnings: warnings,
    errors: [],
  };
}
