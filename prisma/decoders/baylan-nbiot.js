/*
 * Baylan BYL-NB1 (NB-IoT) - scenario "Hourly index". NB-IoT has no LoRaWAN port: fPort is null.
 *
 * Payload, 16 bytes, an M-Bus-like long frame, big-endian:
 *   byte 0      0x68 start
 *   byte 1      0x0C length of bytes 2-13
 *   byte 2      0x01 data type (hourly index)
 *   bytes 3-6   cumulative index in litres, uint32
 *   byte 7      battery level in %, uint8
 *   byte 8      flags: bit0 tamper, bit1 lowBattery, bit2 tilt, bit3 reverseFlow, bit4 leak, bit5 burst
 *   byte 9      valve: 0x00 open, 0x01 closed
 *   bytes 10-13 meter clock, Unix seconds (UTC), uint32
 *   byte 14     checksum: sum of bytes 2-13 modulo 256
 *   byte 15     0x16 stop
 *
 * Example: 68 0C 01 00 01 E2 40 57 00 00 69 1F 0A 80 cs 16 -> 123.456 m3, 87 %, no alarm, valve open.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 16) return { errors: ['expected 16 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0x68 || b[15] !== 0x16 || b[1] !== 0x0c) return { errors: ['bad frame delimiters'], warnings: [] };
  var sum = 0;
  for (var i = 2; i < 14; i++) sum = (sum + b[i]) & 0xff;
  if (sum !== b[14]) return { errors: ['checksum mismatch'], warnings: [] };
  if (b[2] !== 0x01) return { errors: ['unsupported data type ' + b[2]], warnings: [] };
  var litres = ((b[3] << 24) >>> 0) + (b[4] << 16) + (b[5] << 8) + b[6];
  var seconds = ((b[10] << 24) >>> 0) + (b[11] << 16) + (b[12] << 8) + b[13];
  var f = b[8];
  var warnings = [];
  if (b[7] > 100) warnings.push('battery level out of range: ' + b[7]);
  if (input.recvTime && Math.abs(new Date(input.recvTime).getTime() - seconds * 1000) > 3600000) {
    warnings.push('meter clock differs from the receive time by more than an hour');
  }
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[7], 100),
      alarms: {
        tamper: (f & 0x01) !== 0,
        lowBattery: (f & 0x02) !== 0,
        tilt: (f & 0x04) !== 0,
        reverseFlow: (f & 0x08) !== 0,
        leak: (f & 0x10) !== 0,
        burst: (f & 0x20) !== 0,
      },
      valve: b[9] === 0x01 ? 'CLOSED' : 'OPEN',
      meterTime: new Date(seconds * 1000).toISOString(),
    },
    warnings: warnings,
    errors: [],
  };
}
