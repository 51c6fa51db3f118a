/*
 * Manas MNS-LRW100 (LoRaWAN) - scenario "Alarm frame", fPort 2. Sent at once when an alarm starts or clears.
 *
 * Payload, 9 bytes, big-endian:
 *   byte 0     0xA1 frame type (alarm frame)
 *   byte 1     active alarms: bit0 tamper, bit1 lowBattery, bit2 tilt, bit3 reverseFlow, bit4 leak, bit5 burst
 *   byte 2     valve: 0x00 open, 0x01 closed
 *   bytes 3-6  cumulative index in litres at the event, uint32
 *   byte 7     battery level in %, uint8
 *   byte 8     number of alarm events since the previous alarm frame, uint8
 *
 * Example: A1 01 00 00 01 E2 40 57 01 -> tamper, valve open, 123.456 m3, 87 %, 1 event.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length !== 9) return { errors: ['expected 9 bytes, got ' + (b ? b.length : 0)], warnings: [] };
  if (b[0] !== 0xa1) return { errors: ['unknown frame type 0x' + b[0].toString(16)], warnings: [] };
  var flags = b[1];
  var litres = ((b[3] << 24) >>> 0) + (b[4] << 16) + (b[5] << 8) + b[6];
  return {
    data: {
      indexM3: litres / 1000,
      batteryPct: Math.min(b[7], 100),
      alarms: {
        tamper: (flags & 0x01) !== 0,
        lowBattery: (flags & 0x02) !== 0,
        tilt: (flags & 0x04) !== 0,
        reverseFlow: (flags & 0x08) !== 0,
        leak: (flags & 0x10) !== 0,
        burst: (flags & 0x20) !== 0,
      },
      valve: b[2] === 0x01 ? 'CLOSED' : 'OPEN',
      eventCount: b[8],
    },
    warnings: b[7] > 100 ? ['battery level out of range: ' + b[7]] : [],
    errors: [],
  };
}
