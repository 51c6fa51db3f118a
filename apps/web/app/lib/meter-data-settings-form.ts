import { numberText, parseDecimal } from '~/lib/number-input';

/**
 * The validation rules' settings of a tenant (or of a subscription group in it): every parameter in
 * force, and which of them this row overrides. Saving sends only the overridden ones; a parameter put
 * back to "inherited" leaves the row (PUT /api/tenants/:id/meter-data-settings).
 */
export type ParamValue = boolean | number;
export type ParamGroups = Record<string, Record<string, ParamValue>>;

/** Static i18n keys of the rule groups and their parameters (the API's MeterDataParamsSchema). */
export const GROUP_LABELS: Record<string, string> = {
  rollover: 'meterData.settings.groups.rollover',
  backwardIndex: 'meterData.settings.groups.backwardIndex',
  physicalMaximum: 'meterData.settings.groups.physicalMaximum',
  spike: 'meterData.settings.groups.spike',
  stuck: 'meterData.settings.groups.stuck',
  timestamp: 'meterData.settings.groups.timestamp',
  gap: 'meterData.settings.groups.gap',
  leak: 'meterData.settings.groups.leak',
};
export const PARAM_LABELS: Record<string, string> = {
  enabled: 'meterData.settings.params.enabled',
  defaultRegisterCapacityM3: 'meterData.settings.params.defaultRegisterCapacityM3',
  maxWrapShare: 'meterData.settings.params.maxWrapShare',
  toleranceM3: 'meterData.settings.params.toleranceM3',
  overloadFactor: 'meterData.settings.params.overloadFactor',
  factor: 'meterData.settings.params.factor',
  minimumM3: 'meterData.settings.params.minimumM3',
  historyDays: 'meterData.settings.params.historyDays',
  minHistoryDays: 'meterData.settings.params.minHistoryDays',
  days: 'meterData.settings.params.days',
  futureToleranceMinutes: 'meterData.settings.params.futureToleranceMinutes',
  maxAgeDays: 'meterData.settings.params.maxAgeDays',
  graceFactor: 'meterData.settings.params.graceFactor',
  estimate: 'meterData.settings.params.estimate',
  maxGapDays: 'meterData.settings.params.maxGapDays',
  profileWeeks: 'meterData.settings.params.profileWeeks',
  continuousHours: 'meterData.settings.params.continuousHours',
  nightStartHour: 'meterData.settings.params.nightStartHour',
  nightEndHour: 'meterData.settings.params.nightEndHour',
  nightFlowLitresPerHour: 'meterData.settings.params.nightFlowLitresPerHour',
};

export interface SettingsField {
  group: string;
  key: string;
  kind: 'boolean' | 'number';
  /** The value in force when the form was opened (its own or inherited). */
  initial: ParamValue;
  /** Shown and edited: a boolean, or the number as typed. */
  value: boolean | string;
  /** This row sets it (else it is inherited). */
  overridden: boolean;
}

export interface SettingsFormValues {
  fields: SettingsField[];
}

function ownValue(own: Record<string, unknown>, group: string, key: string): ParamValue | undefined {
  const g = own[group];
  if (!g || typeof g !== 'object') return undefined;
  const v = (g as Record<string, unknown>)[key];
  return typeof v === 'boolean' || typeof v === 'number' ? v : undefined;
}

/** The form of a settings row: every parameter of `effective` (in its order), overridden where `own` sets it. */
export function settingsFormFrom(effective: ParamGroups, own: Record<string, unknown>): SettingsFormValues {
  const fields: SettingsField[] = [];
  for (const [group, params] of Object.entries(effective))
    for (const [key, value] of Object.entries(params)) {
      const mine = ownValue(own, group, key);
      fields.push({
        group,
        key,
        kind: typeof value === 'boolean' ? 'boolean' : 'number',
        initial: value,
        value: typeof value === 'boolean' ? value : numberText(value),
        overridden: mine !== undefined,
      });
    }
  return { fields };
}

const fieldId = (f: Pick<SettingsField, 'group' | 'key'>) => `${f.group}.${f.key}`;

/** A changed value makes the field this row's own. */
export function setFieldValue(field: SettingsField, value: boolean | string): void {
  field.value = value;
  field.overridden = true;
}

/** Back to the inherited value (known again once saved): the row drops it. */
export function inheritField(field: SettingsField): void {
  field.overridden = false;
  field.value = typeof field.initial === 'boolean' ? field.initial : numberText(field.initial);
}

/** i18n keys of the problems, by "group.key". */
export function validateSettings(form: SettingsFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of form.fields) {
    if (!f.overridden || f.kind === 'boolean') continue;
    const v = parseDecimal(f.value as string);
    if (v === null) errors[fieldId(f)] = 'meterData.settings.errors.required';
    else if (Number.isNaN(v)) errors[fieldId(f)] = 'meterData.settings.errors.number';
    else if (v < 0) errors[fieldId(f)] = 'meterData.settings.errors.negative';
  }
  return errors;
}

/** The row's params: only the overridden parameters, by group (`{}` removes the row). */
export function settingsPayload(form: SettingsFormValues): Record<string, Record<string, ParamValue>> {
  const params: Record<string, Record<string, ParamValue>> = {};
  for (const f of form.fields) {
    if (!f.overridden) continue;
    const value = f.kind === 'boolean' ? Boolean(f.value) : (parseDecimal(f.value as string) ?? 0);
    (params[f.group] ??= {})[f.key] = value;
  }
  return params;
}

/** The fields by rule group, in order, for the form's sections. */
export function fieldsByGroup(form: SettingsFormValues): { group: string; fields: SettingsField[] }[] {
  const groups: { group: string; fields: SettingsField[] }[] = [];
  for (const f of form.fields) {
    const last = groups[groups.length - 1];
    if (last && last.group === f.group) last.fields.push(f);
    else groups.push({ group: f.group, fields: [f] });
  }
  return groups;
}

export { fieldId as settingsFieldId };
