/*
 * Klepsan KLP-LR10 (LoRaWAN) - scenario "Alarm frame", fPort 2.
 *
 * Payload, 7 bytes:
 *   byte 0     0xEE alarm marker
 *   byte 1     flags: bit7 tamper, bit6 lowBattery, bit5 tilt, bit4 reverseFlow, bit3 leak, bit2 burst,
 *              bit1 reserved, bit0 valve closed
 *   bytes 2-5  cumulative index in litres as 8 BCD digits, most significant first
 *   byte 6     battery level in %, uint8
 *
 * Example: EE 20 00 12 34 56 57 -> tilt, valve open, 123.456 m3, 87 %.
 */
function bcdByte(v) {
  var hi = v >> 4;
  var lo = v & 0x0f;
  if (hi > 9 || lo > 9) return -1;
  return hi * 10 + lo;
}

function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 7) return { errors: ['expected 7 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0xee) return { errors: ['missing alarm marker 0xEE'], warnings: [] };
  var litres = 0;
  for (var i = 2; i < 6; i++) {
    var d = bcdByte(b[i]);
    if (d < 0) return { errors: ['index byte ' + i + ' is not BCD'], warnings: [] };
    litres = litres * 100 + d;
  }
  var f = b[1];
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[6], 100),
      alarms: {
        tamper: (f & 0x80) !== 0,
        lowBattery: (f & 0x40) !== 0,
        tilt: (f & 0x20) !== 0,
        reverseFlow: (f & 0x10) !== 0,
        leak: (f & 0x08) !== 0,
        burst: (f & 0x04) !== 0,
      },
      valve: (f & 0x01) !== 0 ? 'CLOSED' : 'OPEN',
    },
    warnings: b[6] > 100 ? ['battery level out of range: ' + b[6]] : [],
    errors: [],
  };
}
