/*
 * Ima IMA-LW-U1 universal reader (LoRaWAN) - scenario "Alarm frame", fPort 2.
 *
 * Payload, 9 bytes, big-endian:
 *   byte 0     0x41 ('A') frame marker
 *   byte 1     flags: bit0 tamper, bit1 tilt, bit2 reverseFlow, bit3 lowBattery, bit4 leak, bit5 burst,
 *              bit6 valve closed
 *   byte 2     battery level in %, uint8
 *   bytes 3-6  cumulative index in litres at the event, uint32
 *   bytes 7-8  minutes since the alarm was detected, uint16
 *
 * Example: 41 04 57 00 01 E2 40 00 05 -> reverse flow, 87 %, 123.456 m3, detected 5 minutes ago.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 9) return { errors: ['expected 9 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x41) return { errors: ['missing frame marker 0x41'], warnings: [] };
  var f = b[1];
  var litres = ((b[3] << 24) >>> 0) + (b[4] << 16) + (b[5] << 8) + b[6];
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[2], 100),
      alarms: {
        tamper: (f & 0x01) !== 0,
        lowBattery: (f & 0x08) !== 0,
        tilt: (f & 0x02) !== 0,
        reverseFlow: (f & 0x04) !== 0,
        leak: (f & 0x10) !== 0,
        burst: (f & 0x20) !== 0,
      },
      valve: (f & 0x40) !== 0 ? 'CLOSED' : 'OPEN',
      detectedMinutesAgo: (b[7] << 8) | b[8],
    },
    warnings: b[2] > 100 ? ['battery level out of range: ' + b[2]] : [],
    errors: [],
  };
}
