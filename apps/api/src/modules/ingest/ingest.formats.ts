import { z } from 'zod';

/**
 * Uplink formats of the network servers we accept, with their documented field names. Fields whose
 * value is empty, zero or false may be absent (TTN and ChirpStack omit them, e.g. f_port 0).
 * Unknown fields are ignored (zod strips them).
 */

const hex = z
  .string()
  .regex(/^([0-9a-fA-F]{2})*$/, 'must be hexadecimal with an even number of digits')
  .max(2048);
const base64 = z
  .string()
  .max(2800)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
  .refine((s) => s.length % 4 === 0, 'must be base64 (length a multiple of 4)');
const eui = z.string().regex(/^[0-9a-fA-F]{16}$/, 'must be a 16-digit hexadecimal EUI');
const isoTime = z.string().datetime({ offset: true });
const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
/** What receivers report (dBm, dB): a figure outside is a sender's error, refused before anything is stored. */
const rssi = z.number().min(-200).max(50);
const snr = z.number().min(-50).max(50);

/** The Things Stack v3 webhook, "uplink message". */
export const TtnUplinkSchema = z.object({
  end_device_ids: z.object({ dev_eui: eui, device_id: z.string().max(100).optional() }),
  received_at: isoTime.optional(),
  uplink_message: z.object({
    f_port: z.number().int().min(0).max(255).optional(),
    f_cnt: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    frm_payload: base64.optional(),
    rx_metadata: z
      .array(z.object({ rssi: rssi.optional(), channel_rssi: rssi.optional(), snr: snr.optional() }))
      .max(100)
      .optional(),
    received_at: isoTime.optional(),
  }),
});
export type TtnUplink = z.infer<typeof TtnUplinkSchema>;

/** ChirpStack v4 HTTP integration, event "up" (JSON marshaler). */
export const ChirpstackUplinkSchema = z.object({
  time: isoTime.optional(),
  deviceInfo: z.object({ devEui: eui, applicationId: z.string().max(100).optional() }),
  fPort: z.number().int().min(0).max(255).optional(),
  fCnt: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  data: base64.optional(),
  rxInfo: z
    .array(z.object({ rssi: rssi.optional(), snr: snr.optional() }))
    .max(100)
    .optional(),
});
export type ChirpstackUplink = z.infer<typeof ChirpstackUplinkSchema>;

/**
 * Sigfox backend callback with a JSON body built from the callback variables:
 * {"device":"{device}","time":{time},"data":"{data}","seqNumber":{seqNumber},"rssi":"{rssi}","snr":"{snr}"}
 */
export const SigfoxUplinkSchema = z.object({
  device: z.string().regex(/^[0-9a-fA-F]{1,8}$/, 'must be the Sigfox device id (up to 8 hexadecimal digits)'),
  time: num.refine((t) => t > 1_000_000_000 && t < 10_000_000_000, 'must be seconds since 1970'),
  data: hex.refine((h) => h.length <= 24, 'a Sigfox uplink carries at most 12 bytes'),
  seqNumber: num.pipe(z.number().int().min(0).max(4095)).optional(),
  rssi: num.pipe(rssi).optional(),
  snr: num.pipe(snr).optional(),
});
export type SigfoxUplink = z.infer<typeof SigfoxUplinkSchema>;

/** Our generic JSON format for NB-IoT, Wi-Fi and other devices that post directly. */
export const GenericUplinkSchema = z
  .object({
    /** The device's identifying value (IMEI, MAC, DevEUI, Sigfox id, …). */
    deviceId: z.string().trim().min(1).max(100),
    /** Field key of that identifier (e.g. "IMEI"); any identifying field matches when absent. */
    idType: z.string().max(40).optional(),
    time: isoTime.optional(),
    payloadHex: hex.optional(),
    payloadBase64: base64.optional(),
    port: z.number().int().min(0).max(255).optional(),
    counter: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    rssi: rssi.optional(),
    snr: snr.optional(),
  })
  .refine((g) => (g.payloadHex === undefined) !== (g.payloadBase64 === undefined), {
    message: 'give exactly one of payloadHex and payloadBase64',
    path: ['payloadHex'],
  });
export type GenericUplink = z.infer<typeof GenericUplinkSchema>;

/** Largest application payload we accept, whatever the network (LoRaWAN's maximum is 242 bytes). */
export const MAX_PAYLOAD_BYTES = 1024;
