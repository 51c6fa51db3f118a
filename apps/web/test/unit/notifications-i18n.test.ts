// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The notification centre (issue 19): the bell, the list, the preferences and the operators' settings pages. */
const sources = [
  ...files('app/pages/notifications'),
  ...files('app/components/notifications'),
  'app/components/customers/PortalAccountCard.vue',
  'app/composables/useNotifications.ts',
  'app/composables/useNotificationsAdmin.ts',
  'app/lib/notifications.ts',
  'app/lib/notification-settings.ts',
  'app/lib/webhook-form.ts',
  'app/lib/delivery-log.ts',
  'app/lib/portal-invitation-form.ts',
  'app/lib/navigation.ts',
];

describe('notification translations', () => {
  itChecksI18nKeys({
    localeFiles: ['notifications'],
    families: ['notifications'],
    sources,
    usedPrefixes: ['notifications', 'common'],
    minKeys: 150,
    minUsed: 120,
  });
});
