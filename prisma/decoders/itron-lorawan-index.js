/*
 * Itron Cyble 5 LoRaWAN - scenario "Daily/hourly index", fPort 1.
 *
 * Payload, 10 bytes, little-endian:
 *   byte 0     0x01 frame version
 *   bytes 1-4  cumulative index in litres, uint32 LE
 *   bytes 5-6  status word, uint16 LE:
 *                bit0 tamper (magnetic), bit1 tilt (removal), bit2 reverseFlow (backflow), bit3 leak,
 *                bit4 burst, bit5 lowBattery, bit8 valve closed
 *   byte 7     battery level in %, uint8
 *   bytes 8-9  peak flow of the period in litres per hour, uint16 LE
 *
 * Example: 01 40 E2 01 00 00 00 57 2C 01 -> 123.456 m3, no alarm, valve open, 87 %, peak 300 L/h.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 10) return { errors: ['expected 10 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x01) return { errors: ['unsupported frame version ' + b[0]], warnings: [] };
  var litres = b[1] + (b[2] << 8) + (b[3] << 16) + ((b[4] << 24) >>> 0);
  var status = b[5] | (b[6] << 8);
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[7], 100),
      alarms: {
        tamper: (status & 0x0001) !== 0,
        lowBattery: (status & 0x0020) !== 0,
        tilt: (status & 0x0002) !== 0,
        reverseFlow: (status & 0x0004) !== 0,
        leak: (status & 0x0008) !== 0,
        burst: (status & 0x0010) !== 0,
      },
      valve: (status & 0x0100) !== 0 ? 'CLOSED' : 'OPEN',
      peakFlowLph: b[8] | (b[9] << 8),
    },
    warnings: b[7] > 100 ? ['battery level out of range: ' + b[7]] : [],
    errors: [],
  };
}
