/*
 * Inodya IND-NB20 (NB-IoT) - scenario "Hourly index". NB-IoT has no LoRaWAN port: fPort is null.
 *
 * Payload: ASCII text, fields separated by ';':
 *   INODYA;V1;IDX=<index m3, 3 decimals>;BAT=<battery %>;ALM=<2 hex digits>;VLV=<O|C>
 *   ALM bits: bit0 tamper, bit1 lowBattery, bit2 tilt, bit3 reverseFlow, bit4 leak, bit5 burst
 *   VLV: O open, C closed
 *
 * Example: "INODYA;V1;IDX=123.456;BAT=87;ALM=00;VLV=O" -> 123.456 m3, 87 %, no alarm, valve open.
 */
function decodeUplink(input) {
  var b = input.bytes;
  if (!b || b.length === 0) return { errors: ['empty payload'], warnings: [] };
  var text = '';
  for (var i = 0; i < b.length; i++) text += String.fromCharCode(b[i]);
  var parts = text.split(';');
  if (parts[0] !== 'INODYA' || parts[1] !== 'V1') return { errors: ['not an INODYA V1 frame'], warnings: [] };
  var fields = {};
  for (var j = 2; j < parts.length; j++) {
    var eq = parts[j].indexOf('=');
    if (eq > 0) fields[parts[j].slice(0, eq)] = parts[j].slice(eq + 1);
  }
  if (!/^[0-9]+\.[0-9]{3}$/.test(fields.IDX || '')) return { errors: ['missing or malformed IDX'], warnings: [] };
  if (!/^[0-9]{1,3}$/.test(fields.BAT || '')) return { errors: ['missing or malformed BAT'], warnings: [] };
  if (!/^[0-9A-Fa-f]{2}$/.test(fields.ALM || '')) return { errors: ['missing or malformed ALM'], warnings: [] };
  var battery = parseInt(fields.BAT, 10);
  var f = parseInt(fields.ALM, 16);
  return {
    data: {
      indexM3: parseFloat(fields.IDX),
      batteryPct: Math.min(battery, 100),
      alarms: {
        tamper: (f & 0x01) !== 0,
        lowBattery: (f & 0x02) !== 0,
        tilt: (f & 0x04) !== 0,
        reverseFlow: (f & 0x08) !== 0,
        leak: (f & 0x10) !== 0,
        burst: (f & 0x20) !== 0,
      },
      valve: fields.VLV === 'C' ? 'CLOSED' : 'OPEN',
    },
    warnings: battery > 100 ? ['battery level out of range: ' + battery] : [],
    errors: [],
  };
}
