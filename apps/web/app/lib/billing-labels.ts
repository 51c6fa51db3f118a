/** i18n keys of the billing enums (static, so the translation checks see every one). */

export const SUBSCRIPTION_TYPE_LABELS = {
  INDIVIDUAL: 'billing.subscriptionTypes.INDIVIDUAL',
  ORGANIZATIONAL: 'billing.subscriptionTypes.ORGANIZATIONAL',
} as const;

export const WASTEWATER_MODE_LABELS = {
  NONE: 'billing.tariffs.wastewaterModes.NONE',
  PER_M3: 'billing.tariffs.wastewaterModes.PER_M3',
  SHARE_OF_WATER: 'billing.tariffs.wastewaterModes.SHARE_OF_WATER',
} as const;

export const VERSION_STATE_LABELS = {
  PAST: 'billing.tariffs.versions.states.PAST',
  CURRENT: 'billing.tariffs.versions.states.CURRENT',
  FUTURE: 'billing.tariffs.versions.states.FUTURE',
} as const;

export const LINE_COMPONENT_LABELS = {
  FIXED: 'billing.components.FIXED',
  WATER: 'billing.components.WATER',
  WASTEWATER: 'billing.components.WASTEWATER',
  FEE: 'billing.components.FEE',
  MINIMUM: 'billing.components.MINIMUM',
  INTEREST: 'billing.components.INTEREST',
  CORRECTION: 'billing.components.CORRECTION',
} as const;

export type LineComponent = keyof typeof LINE_COMPONENT_LABELS;

/** The label of a priced line: its component, with the tier number or the fee's code. */
export function lineLabelKey(line: { component: LineComponent; tier: number | null; code: string | null }): {
  key: string;
  params: Record<string, string | number>;
} {
  if (line.tier !== null) return { key: 'billing.lines.tier', params: { tier: line.tier } };
  if (line.code) return { key: 'billing.lines.coded', params: { code: line.code } };
  return { key: LINE_COMPONENT_LABELS[line.component], params: {} };
}
