// @vitest-environment node
import { describe } from 'vitest';
import { files, itChecksI18nKeys } from './support/i18n-keys';

/** The integrations, uplink inspector and audit log sources. */
const sources = [
  ...files('app/pages/integrations'),
  ...files('app/pages/audit-log'),
  ...files('app/components/integrations'),
  ...files('app/components/uplinks'),
  ...files('app/components/audit'),
  'app/composables/useIntegrationsApi.ts',
  'app/composables/useIntegrationsTexts.ts',
  'app/composables/useUplinksApi.ts',
  'app/composables/useAuditLogApi.ts',
  'app/lib/integration-settings.ts',
  'app/lib/audit-log.ts',
];

describe('integrations, uplinks and audit log translations', () => {
  itChecksI18nKeys({
    localeFiles: ['assets', 'admin', 'ops'],
    families: ['integrations', 'uplinks', 'auditLog'],
    sources,
    usedPrefixes: ['integrations', 'uplinks', 'auditLog', 'nav'],
    minKeys: 150,
    minUsed: 120,
  });
});
