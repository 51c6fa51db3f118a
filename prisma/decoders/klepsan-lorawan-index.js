/*
 * Klepsan KLP-LR10 (LoRaWAN) - scenario "Daily/hourly index", fPort 1.
 *
 * Payload, 6 bytes:
 *   bytes 0-3  cumulative index in litres as 8 BCD digits, most significant first (max 99999.999 m3)
 *   byte 4     battery level in %, uint8
 *   byte 5     flags: bit7 tamper, bit6 lowBattery, bit5 tilt, bit4 reverseFlow, bit3 leak, bit2 burst,
 *              bit1 reserved, bit0 valve closed
 *
 * Example: 00 12 34 56 57 00 -> 123.456 m3, 87 %, no alarm, valve open.
 */
function bcdByte(v) {
  var hi = v >> 4;
  var lo = v & 0x0f;
  if (hi > 9 || lo > 9) return -1;
  return hi * 10 + lo;
}

function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 6) return { errors: ['expected 6 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  var litres = 0;
  for (var i = 0; i < 4; i++) {
    var d = bcdByte(b[i]);
    if (d < 0) return { errors: ['index byte ' + i + ' is not BCD'], warnings: [] };
    litres = litres * 100 + d;
  }
  var f = b[5];
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[4], 100),
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
    warnings: b[4] > 100 ? ['battery level out of range: ' + b[4]] : [],
    errors: [],
  };
}
