/*
 * Itron Cyble 5 LoRaWAN - scenario "Alarm frame", fPort 2.
 *
 * Payload, 8 bytes, little-endian:
 *   byte 0     0x02 frame type (alarm)
 *   bytes 1-2  status word, uint16 LE (same bits as the index frame):
 *                bit0 tamper, bit1 tilt, bit2 reverseFlow, bit3 leak, bit4 burst, bit5 lowBattery, bit8 valve closed
 *   bytes 3-6  cumulative index in litres at the event, uint32 LE
 *   byte 7     battery level in %, uint8
 *
 * Example: 02 02 00 40 E2 01 00 57 -> tilt, valve open, 123.456 m3, 87 %.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 8) return { errors: ['expected 8 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x02) return { errors: ['unknown frame type 0x' + b[0].toString(16)], warnings: [] };
  var status = b[1] | (b[2] << 8);
  var litres = b[3] + (b[4] << 8) + (b[5] << 16) + ((b[6] << 24) >>> 0);
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
    },
    warnings: b[7] > 100 ? ['battery level out of range: ' + b[7]] : [],
    errors: [],
  };
}
