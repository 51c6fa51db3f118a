import type { PermissionAction, PermissionModule } from '@water/shared';
import type { Component } from 'vue';
import type { PagePermission } from './page-permission';
import {
  Activity,
  AlarmClock,
  BellRing,
  Bell,
  Building2,
  CalendarClock,
  ChartColumn,
  Cpu,
  FileSpreadsheet,
  FileText,
  FileUp,
  FileCode2,
  Gauge,
  LayoutDashboard,
  Landmark,
  Layers,
  ListTree,
  ListChecks,
  Receipt,
  Plug,
  Send,
  ScrollText,
  ShieldCheck,
  UserCog,
  Users,
  Wallet,
} from 'lucide-vue-next';
import { IMPORT_PERMISSION } from './import-wizard';
import { allows } from './page-permission';

export interface NavItem {
  module: PermissionModule;
  to: string;
  /** i18n key of the label */
  labelKey: string;
  icon: Component;
  /** The right the entry needs in its module; reading by default. */
  action?: PermissionAction;
  /** What the entry needs instead of `module` and `action`, as its page declares it. */
  permission?: PagePermission;
  /** i18n key of the heading of the group the entry belongs to (the sidebar shows it above the group). */
  group?: string;
}

const notificationPage = (module: 'USERS' | 'TENANTS', to: string, labelKey: string, icon: Component): NavItem => ({
  module,
  permission: { module, action: 'read' },
  to,
  labelKey,
  icon,
  group: 'notifications.nav.group',
});
/**
 * The notification settings (issue 19): who receives which alarm types (USERS, as the API decides), the
 * tenants' webhook endpoints, the delivery log and the template preview (TENANTS).
 */
export const NOTIFICATION_ADMIN_PAGES: readonly NavItem[] = [
  notificationPage('USERS', '/notifications/settings', 'notifications.nav.settings', BellRing),
  notificationPage('TENANTS', '/notifications/webhooks', 'notifications.nav.webhooks', Send),
  notificationPage('TENANTS', '/notifications/log', 'notifications.nav.log', ListChecks),
  notificationPage('TENANTS', '/notifications/templates', 'notifications.nav.templates', FileCode2),
];

/** The brief's navigation modules, in its order; the sidebar shows those the user may read in the selected tenant. */
export const NAV_ITEMS: readonly NavItem[] = [
  { module: 'DASHBOARD', to: '/', labelKey: 'nav.dashboard', icon: LayoutDashboard },
  // The alarm list belongs to the dashboard module (brief 2.1: alert count and latest alarms).
  { module: 'DASHBOARD', to: '/alarms', labelKey: 'nav.alarms', icon: Bell },
  { module: 'LIVE_READINGS', to: '/readings', labelKey: 'nav.liveReadings', icon: Activity },
  // Quality of the stored readings (issue 17), read with the live readings' right as the API decides.
  { module: 'LIVE_READINGS', to: '/data-quality', labelKey: 'nav.dataQuality', icon: ShieldCheck },
  { module: 'SUBSCRIPTIONS', to: '/subscriptions', labelKey: 'nav.subscriptions', icon: FileText },
  { module: 'CUSTOMERS', to: '/customers', labelKey: 'nav.customers', icon: Users },
  { module: 'METERS', to: '/meters', labelKey: 'nav.meters', icon: Gauge },
  { module: 'DEVICES', to: '/devices', labelKey: 'nav.devices', icon: Cpu },
  // The import wizard, for a user who may import any of its kinds (the rights the API asks per kind).
  { module: 'METERS', permission: IMPORT_PERMISSION, to: '/imports', labelKey: 'nav.imports', icon: FileUp },
  // Network-server integrations and their uplinks belong to device connectivity (the API's DEVICES rights).
  { module: 'DEVICES', to: '/integrations', labelKey: 'nav.integrations', icon: Plug },
  // Billing (issue 18): tariffs, runs, invoices, payments, dunning and reports, under one heading.
  { module: 'BILLING', to: '/billing/tariffs', labelKey: 'billing.nav.tariffs', icon: Receipt, group: 'billing.nav.group' },
  { module: 'BILLING', to: '/billing/runs', labelKey: 'billing.nav.runs', icon: CalendarClock, group: 'billing.nav.group' },
  { module: 'BILLING', to: '/billing/invoices', labelKey: 'billing.nav.invoices', icon: FileSpreadsheet, group: 'billing.nav.group' },
  { module: 'BILLING', to: '/billing/payments', labelKey: 'billing.nav.payments', icon: Wallet, group: 'billing.nav.group' },
  { module: 'BILLING', to: '/billing/bank-statements', labelKey: 'billing.nav.bankStatements', icon: Landmark, group: 'billing.nav.group' },
  { module: 'BILLING', to: '/billing/dunning', labelKey: 'billing.nav.dunning', icon: AlarmClock, group: 'billing.nav.group' },
  { module: 'BILLING', to: '/billing/reports', labelKey: 'billing.nav.reports', icon: ChartColumn, group: 'billing.nav.group' },
  { module: 'PROFILES', to: '/profiles', labelKey: 'nav.profiles', icon: Layers },
  { module: 'DEFINITIONS', to: '/definitions', labelKey: 'nav.definitions', icon: ListTree },
  { module: 'TENANTS', to: '/tenants', labelKey: 'nav.tenants', icon: Building2 },
  { module: 'USERS', to: '/users', labelKey: 'nav.users', icon: UserCog },
  // Who changed what: read with the users' right, as the API decides (audit-log.controller.ts).
  { module: 'USERS', to: '/audit-log', labelKey: 'nav.auditLog', icon: ScrollText },
  ...NOTIFICATION_ADMIN_PAGES,
];

/** The module's main entry (the first one: the dashboard for DASHBOARD). */
export function navItemFor(module: PermissionModule): NavItem | undefined {
  return NAV_ITEMS.find((item) => item.module === module);
}

/** The entries a user may open, in order: those whose module `can` grants reading (or the entry's action or permission). */
export function navItemsFor(can: (module: PermissionModule, action: PermissionAction) => boolean): NavItem[] {
  return NAV_ITEMS.filter((item) => (item.permission ? allows(item.permission, can) : can(item.module, item.action ?? 'read')));
}
