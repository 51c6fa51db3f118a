import { describe, expect, it } from 'vitest';
import { chirpstackTopic, networkServerSettings, SIGFOX_BODY_TEMPLATE, webhookUrl, withToken } from '~/lib/integration-settings';

const base = {
  baseUrl: 'https://api.example.com/',
  webhookPath: '/api/ingest/ttn/0f8fad5b-d9cb-469f-a165-70867728950e',
  secret: 's3cr+t/=',
  secretPlaceholder: '[secret]',
  externalId: null,
  applicationPlaceholder: '[app]',
};
const valueOf = (sections: ReturnType<typeof networkServerSettings>, key: string) =>
  sections.flatMap((s) => s.fields).find((f) => f.labelKey.endsWith(key))?.value;

describe('integration settings', () => {
  it('joins the public origin and the webhook path, without a doubled slash', () => {
    expect(webhookUrl('https://api.example.com/', '/api/ingest/ttn/x')).toBe('https://api.example.com/api/ingest/ttn/x');
    expect(webhookUrl('http://127.0.0.1:3001', '/api/ingest/sigfox/x')).toBe('http://127.0.0.1:3001/api/ingest/sigfox/x');
  });

  it('puts the secret in ?token= encoded, after an existing query with &', () => {
    expect(withToken('https://a/b', 's3cr+t/=')).toBe('https://a/b?token=s3cr%2Bt%2F%3D');
    expect(withToken('https://a/b?x=1', 'k')).toBe('https://a/b?x=1&token=k');
  });

  it('gives The Things Stack a base URL and an uplink path that together are the webhook URL, and the secret header', () => {
    const s = networkServerSettings({ ...base, kind: 'TTN' });
    expect(s).toHaveLength(1);
    const baseUrl = valueOf(s, '.baseUrl')!;
    const path = valueOf(s, '.uplinkPath')!;
    expect(baseUrl).toBe('https://api.example.com/api/ingest/ttn');
    expect(baseUrl + path).toBe(webhookUrl(base.baseUrl, base.webhookPath));
    expect(valueOf(s, '.headerName')).toBe('X-Integration-Secret');
    expect(valueOf(s, '.headerValue')).toBe('s3cr+t/=');
    expect(valueOf(s, '.format')).toBe('JSON');
  });

  it('gives ChirpStack the HTTP endpoint (header or token), JSON, the up event, and the MQTT topic of its application', () => {
    const s = networkServerSettings({ ...base, kind: 'CHIRPSTACK', webhookPath: '/api/ingest/chirpstack/abc', externalId: '42' });
    expect(s.map((x) => x.titleKey)).toEqual(['integrations.settings.chirpstack.httpTitle', 'integrations.settings.chirpstack.mqttTitle']);
    expect(valueOf(s, '.endpoint')).toBe('https://api.example.com/api/ingest/chirpstack/abc');
    expect(valueOf(s, '.endpointWithToken')).toBe('https://api.example.com/api/ingest/chirpstack/abc?token=s3cr%2Bt%2F%3D');
    expect(valueOf(s, '.encoding')).toBe('JSON');
    expect(valueOf(s, '.events')).toBe('up');
    expect(valueOf(s, '.topic')).toBe('application/42/device/+/event/up');
    expect(chirpstackTopic('7')).toBe('application/7/device/+/event/up');
  });

  it('shows the placeholders when the secret or the application id is not known', () => {
    const s = networkServerSettings({ ...base, kind: 'CHIRPSTACK', secret: null });
    expect(valueOf(s, '.headerValue')).toBe('[secret]');
    expect(valueOf(s, '.topic')).toBe('application/[app]/device/+/event/up');
  });

  it('gives Sigfox the callback URL with the token, POST, JSON and the body template of the variables it substitutes', () => {
    const s = networkServerSettings({ ...base, kind: 'SIGFOX', webhookPath: '/api/ingest/sigfox/abc' });
    expect(valueOf(s, '.url')).toBe('https://api.example.com/api/ingest/sigfox/abc?token=s3cr%2Bt%2F%3D');
    expect(valueOf(s, '.method')).toBe('POST');
    expect(valueOf(s, '.contentType')).toBe('application/json');
    expect(valueOf(s, '.body')).toBe(SIGFOX_BODY_TEMPLATE);
    // Filled in as Sigfox does, the template is JSON our webhook reads.
    const filled = SIGFOX_BODY_TEMPLATE.replace('{device}', '1A2B3C')
      .replace('{time}', '1764800000')
      .replace('{data}', '0a0b')
      .replace('{seqNumber}', '12')
      .replace('{rssi}', '-120.00')
      .replace('{snr}', '8.5');
    expect(JSON.parse(filled)).toEqual({ device: '1A2B3C', time: 1764800000, data: '0a0b', seqNumber: 12, rssi: '-120.00', snr: '8.5' });
  });

  it('marks every field that carries the secret, so the list view can tell', () => {
    for (const kind of ['TTN', 'CHIRPSTACK', 'SIGFOX', 'GENERIC'] as const) {
      const fields = networkServerSettings({ ...base, kind }).flatMap((s) => s.fields);
      for (const f of fields) expect(f.value.includes('s3cr') || f.value.includes('s3cr%2B'), `${kind} ${f.labelKey}`).toBe(!!f.secret);
    }
  });
});
