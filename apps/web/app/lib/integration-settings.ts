import type { HeaderColumn } from '~/lib/crud';

/**
 * What an integrator pastes into their network server for one of our integrations: the webhook URL
 * (the API's public origin plus the integration's path) and each network server's own settings.
 * Labels are i18n keys; values are literal text (URLs, header names, templates) and stay untranslated.
 */

export const INTEGRATION_KINDS = ['TTN', 'CHIRPSTACK', 'SIGFOX', 'GENERIC'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** i18n keys of the kinds' names. */
export const INTEGRATION_KIND_LABELS: Record<IntegrationKind, string> = {
  TTN: 'integrations.kinds.TTN',
  CHIRPSTACK: 'integrations.kinds.CHIRPSTACK',
  SIGFOX: 'integrations.kinds.SIGFOX',
  GENERIC: 'integrations.kinds.GENERIC',
};

/** The header every ingest route reads the secret from (apps/api ingest.controller.ts); ?token= is the fallback. */
export const SECRET_HEADER = 'X-Integration-Secret';

/** The Sigfox callback body: the variables the Sigfox backend substitutes, in the shape our webhook parses. */
export const SIGFOX_BODY_TEMPLATE =
  '{"device":"{device}","time":{time},"data":"{data}","seqNumber":{seqNumber},"rssi":"{rssi}","snr":"{snr}"}';

/** The topic ChirpStack publishes uplinks on, which the platform's MQTT subscriber reads. */
export function chirpstackTopic(applicationId: string): string {
  return `application/${applicationId}/device/+/event/up`;
}

/** The full webhook URL of an integration; `base` is an origin (trailing slashes ignored), `path` starts with /api/. */
export function webhookUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** A URL carrying the secret as ?token= (for senders that cannot set headers). */
export function withToken(url: string, secret: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(secret)}`;
}

export interface SettingField {
  /** i18n key of the field's name as the network server's form calls it. */
  labelKey: string;
  value: string;
  /** The value holds the secret (shown once, masked in screenshots of the list). */
  secret?: boolean;
  /** Long text (a body template): shown as a block. */
  block?: boolean;
}

export interface SettingSection {
  /** i18n key of the section's title, e.g. "The Things Stack: custom webhook". */
  titleKey: string;
  /** i18n key of where to find the form in the network server. */
  whereKey: string;
  fields: SettingField[];
}

export interface SettingsInput {
  kind: IntegrationKind;
  /** The API's public origin as network servers reach it. */
  baseUrl: string;
  webhookPath: string;
  /** The secret when it is known (right after creation or rotation), else null. */
  secret: string | null;
  /** Shown instead of the secret when it is not known. */
  secretPlaceholder: string;
  /** ChirpStack application id (externalId); null shows `applicationPlaceholder`. */
  externalId: string | null;
  applicationPlaceholder: string;
}

/** The settings to paste for each way the integration's network server can deliver uplinks. */
export function networkServerSettings(input: SettingsInput): SettingSection[] {
  const url = webhookUrl(input.baseUrl, input.webhookPath);
  const secret = input.secret ?? input.secretPlaceholder;
  const header = `${SECRET_HEADER}: ${secret}`;
  switch (input.kind) {
    case 'TTN': {
      // TTS joins the base URL and the message path; the path is the integration's id.
      const cut = url.lastIndexOf('/');
      return [
        {
          titleKey: 'integrations.settings.ttn.title',
          whereKey: 'integrations.settings.ttn.where',
          fields: [
            { labelKey: 'integrations.settings.ttn.format', value: 'JSON' },
            { labelKey: 'integrations.settings.ttn.baseUrl', value: url.slice(0, cut) },
            { labelKey: 'integrations.settings.ttn.headerName', value: SECRET_HEADER },
            { labelKey: 'integrations.settings.ttn.headerValue', value: secret, secret: true },
            { labelKey: 'integrations.settings.ttn.uplinkPath', value: url.slice(cut) },
          ],
        },
      ];
    }
    case 'CHIRPSTACK':
      return [
        {
          titleKey: 'integrations.settings.chirpstack.httpTitle',
          whereKey: 'integrations.settings.chirpstack.httpWhere',
          fields: [
            { labelKey: 'integrations.settings.chirpstack.encoding', value: 'JSON' },
            { labelKey: 'integrations.settings.chirpstack.endpoint', value: url },
            { labelKey: 'integrations.settings.chirpstack.headerName', value: SECRET_HEADER },
            { labelKey: 'integrations.settings.chirpstack.headerValue', value: secret, secret: true },
            { labelKey: 'integrations.settings.chirpstack.endpointWithToken', value: withToken(url, secret), secret: true },
            { labelKey: 'integrations.settings.chirpstack.events', value: 'up' },
          ],
        },
        {
          titleKey: 'integrations.settings.chirpstack.mqttTitle',
          whereKey: 'integrations.settings.chirpstack.mqttWhere',
          fields: [
            {
              labelKey: 'integrations.settings.chirpstack.topic',
              value: chirpstackTopic(input.externalId ?? input.applicationPlaceholder),
            },
            {
              labelKey: 'integrations.settings.chirpstack.eventTopic',
              value: 'application/{{application_id}}/device/{{dev_eui}}/event/{{event}}',
            },
            { labelKey: 'integrations.settings.chirpstack.marshaler', value: 'json = true' },
          ],
        },
      ];
    case 'SIGFOX':
      return [
        {
          titleKey: 'integrations.settings.sigfox.title',
          whereKey: 'integrations.settings.sigfox.where',
          fields: [
            { labelKey: 'integrations.settings.sigfox.type', value: 'DATA · UPLINK' },
            { labelKey: 'integrations.settings.sigfox.channel', value: 'URL' },
            { labelKey: 'integrations.settings.sigfox.url', value: withToken(url, secret), secret: true },
            { labelKey: 'integrations.settings.sigfox.method', value: 'POST' },
            { labelKey: 'integrations.settings.sigfox.contentType', value: 'application/json' },
            { labelKey: 'integrations.settings.sigfox.body', value: SIGFOX_BODY_TEMPLATE, block: true },
          ],
        },
      ];
    case 'GENERIC':
      return [
        {
          titleKey: 'integrations.settings.generic.title',
          whereKey: 'integrations.settings.generic.where',
          fields: [
            { labelKey: 'integrations.settings.generic.url', value: url },
            { labelKey: 'integrations.settings.generic.method', value: 'POST' },
            { labelKey: 'integrations.settings.generic.header', value: header, secret: true },
            {
              labelKey: 'integrations.settings.generic.body',
              value: '{"deviceId":"<IMEI>","idType":"IMEI","payloadHex":"<hex>","time":"<ISO 8601>"}',
              block: true,
            },
          ],
        },
      ];
  }
}

/** Columns of the integrations table (CrudTableHeader). */
export const INTEGRATION_COLUMNS: readonly HeaderColumn[] = [
  { labelKey: 'integrations.columns.name' },
  { labelKey: 'integrations.columns.kind' },
  { labelKey: 'integrations.columns.tenant' },
  { labelKey: 'integrations.columns.state' },
  { labelKey: 'integrations.columns.lastUplink' },
  { labelKey: 'integrations.columns.uplinks24h' },
  { labelKey: 'integrations.columns.actions', class: 'text-right' },
];
