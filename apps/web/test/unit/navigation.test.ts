import type { PermissionMatrix, PermissionModule } from '@water/shared';
import { can, emptyMatrix, fullMatrix } from '@water/shared';
import { describe, expect, it } from 'vitest';
import { NAV_ITEMS, navItemFor, navItemsFor } from '~/lib/navigation';
import en from '../../i18n/locales/en.json';
import tr from '../../i18n/locales/tr.json';

function readerOf(...modules: PermissionModule[]): PermissionMatrix {
  const matrix = emptyMatrix();
  for (const module of modules) matrix[module].read = true;
  return matrix;
}

const linksFor = (matrix: PermissionMatrix) => navItemsFor((module, action) => can(matrix, module, action)).map((item) => item.to);

function message(messages: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
}

describe('sidebar entries', () => {
  it('lists the alarms after the dashboard for a user who may read the dashboard module', () => {
    expect(linksFor(readerOf('DASHBOARD', 'LIVE_READINGS'))).toEqual(['/', '/alarms', '/readings', '/data-quality']);
  });

  it('shows the imports to users who may import any kind (the rights the API asks per kind)', () => {
    const writer = readerOf('METERS');
    writer.METERS.update = true;
    expect(linksFor(writer)).toEqual(['/meters', '/imports']);
    const deviceCreator = readerOf('DEVICES');
    deviceCreator.DEVICES.create = true;
    expect(linksFor(deviceCreator)).toEqual(['/devices', '/imports', '/integrations']);
    const subscriber = emptyMatrix();
    subscriber.SUBSCRIPTIONS.create = true;
    expect(linksFor(subscriber)).toEqual([]);
    subscriber.CUSTOMERS.create = true;
    expect(linksFor(subscriber)).toEqual(['/imports']);
    expect(linksFor(readerOf('METERS', 'DEVICES', 'SUBSCRIPTIONS', 'CUSTOMERS'))).not.toContain('/imports');
  });

  it('leaves the alarms out for a user without the dashboard module', () => {
    expect(linksFor(readerOf('METERS'))).toEqual(['/meters']);
    expect(linksFor(emptyMatrix())).toEqual([]);
  });

  it('shows every entry to a user with every right, each once', () => {
    const links = linksFor(fullMatrix());
    expect(links).toEqual(NAV_ITEMS.map((item) => item.to));
    expect(new Set(links).size).toBe(links.length);
  });

  it('lists integrations after the devices for device readers, and the audit log after the users for user readers', () => {
    expect(linksFor(readerOf('DEVICES'))).toEqual(['/devices', '/integrations']);
    expect(linksFor(readerOf('USERS'))).toEqual(['/users', '/audit-log', '/notifications/settings']);
    expect(linksFor(readerOf('METERS', 'TENANTS'))).not.toContain('/integrations');
    expect(linksFor(readerOf('TENANTS'))).not.toContain('/audit-log');
    // The notification settings (issue 19): who gets what with the users' right, the rest with the tenants'.
    expect(linksFor(readerOf('TENANTS'))).toEqual([
      '/tenants',
      '/notifications/webhooks',
      '/notifications/log',
      '/notifications/templates',
    ]);
    // The module's main entry stays the first one (the forbidden page links to it).
    expect(navItemFor('DEVICES')?.to).toBe('/devices');
    expect(navItemFor('USERS')?.to).toBe('/users');
  });

  it('keeps the dashboard as the module entry of DASHBOARD (the forbidden page and the permission grid use it)', () => {
    expect(navItemFor('DASHBOARD')?.to).toBe('/');
  });

  it('has a Turkish and an English label for every entry', () => {
    for (const item of NAV_ITEMS) {
      expect(message(tr, item.labelKey), `tr ${item.labelKey}`).toEqual(expect.any(String));
      expect(message(en, item.labelKey), `en ${item.labelKey}`).toEqual(expect.any(String));
    }
    expect([message(tr, 'nav.alarms'), message(en, 'nav.alarms')]).toEqual(['Alarmlar', 'Alarms']);
  });
});
