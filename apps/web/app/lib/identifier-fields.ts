import { luhnValid } from '@water/shared';

/**
 * The provisioning identifiers of a device (DevEUI, IMEI, AppKey ...) as GET /api/device-profiles/:id/fields
 * describes them: the device form renders one input per field and checks it as the user types, with the
 * same rules the API applies (apps/api devices.service.ts planIdentifiers).
 */
export interface IdentifierField {
  id: string;
  technologyId: string;
  technologyCode: string;
  technologyName: string;
  key: string;
  /** Turkish; `labelEn` the English one when set (the page shows one through useFormat().localName). */
  label: string;
  labelEn: string | null;
  valueType: 'HEX' | 'DIGITS' | 'TEXT' | 'MAC';
  length: number | null;
  regex: string;
  isRequired: boolean;
  /** Write-only once stored: the form never shows the value, and a blank input keeps it. */
  isSecret: boolean;
  isUnique: boolean;
  sortOrder: number;
}

/** How a stored identifier appears in a device's detail (secrets masked). */
export interface IdentifierView {
  label: string;
  labelEn: string | null;
  technology: string;
  value: string | null;
  hasValue: boolean;
  isSecret: boolean;
  isRequired: boolean;
  isUnique: boolean;
}

export type IdentifierProblem =
  | { kind: 'required' }
  | { kind: 'hex'; length: number | null }
  | { kind: 'digits'; length: number | null }
  | { kind: 'mac' }
  | { kind: 'format' }
  | { kind: 'luhn' };

/** A field shared by two technologies of one profile is asked once, like the API stores it once. */
export function uniqueFields(fields: readonly IdentifierField[]): IdentifierField[] {
  const seen = new Set<string>();
  return [...fields].sort((a, b) => a.sortOrder - b.sortOrder).filter((f) => (seen.has(f.key) ? false : (seen.add(f.key), true)));
}

const regexCache = new Map<string, RegExp | null>();

/** The field's pattern; null when the definition holds a pattern JavaScript cannot compile (the API still checks). */
export function fieldPattern(field: Pick<IdentifierField, 'regex'>): RegExp | null {
  if (!regexCache.has(field.regex)) {
    try {
      regexCache.set(field.regex, new RegExp(field.regex));
    } catch {
      regexCache.set(field.regex, null);
    }
  }
  return regexCache.get(field.regex) ?? null;
}

function formatProblem(field: IdentifierField): IdentifierProblem {
  switch (field.valueType) {
    case 'HEX':
      return { kind: 'hex', length: field.length };
    case 'DIGITS':
      return { kind: 'digits', length: field.length };
    case 'MAC':
      return { kind: 'mac' };
    default:
      return { kind: 'format' };
  }
}

/**
 * What is wrong with one typed value, or null. `storedSecret`: the device already holds this secret,
 * so leaving it blank keeps it (edit form).
 */
export function identifierProblem(
  field: IdentifierField,
  raw: string | null | undefined,
  options: { storedSecret?: boolean } = {},
): IdentifierProblem | null {
  const value = (raw ?? '').trim();
  if (!value) {
    if (field.isSecret && options.storedSecret) return null;
    return field.isRequired ? { kind: 'required' } : null;
  }
  const pattern = fieldPattern(field);
  if (pattern && !pattern.test(value)) return formatProblem(field);
  if (field.key === 'IMEI' && !luhnValid(value)) return { kind: 'luhn' };
  return null;
}

/** Problems of every field that has one, keyed by field key. */
export function identifierProblems(
  fields: readonly IdentifierField[],
  values: Record<string, string>,
  storedSecrets: ReadonlySet<string> = new Set(),
): Record<string, IdentifierProblem> {
  const problems: Record<string, IdentifierProblem> = {};
  for (const field of uniqueFields(fields)) {
    const problem = identifierProblem(field, values[field.key], { storedSecret: storedSecrets.has(field.key) });
    if (problem) problems[field.key] = problem;
  }
  return problems;
}

/**
 * The `identifiers` object of a create or update request. On create, blank fields are left out. On
 * edit, a blank secret is left out (the stored one stays) and a blank plain field is sent as null
 * (clears it); values of fields the profile does not have are never sent.
 */
export function identifiersPayload(
  fields: readonly IdentifierField[],
  values: Record<string, string>,
  mode: 'create' | 'update',
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of uniqueFields(fields)) {
    const value = (values[field.key] ?? '').trim();
    if (value) out[field.key] = value;
    else if (mode === 'update' && !field.isSecret) out[field.key] = null;
  }
  return out;
}

/** Form values from a device's stored identifiers: plain values as they are, secrets blank. */
export function identifierValuesFrom(stored: Record<string, IdentifierView> | null | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, view] of Object.entries(stored ?? {})) values[key] = view.isSecret ? '' : (view.value ?? '');
  return values;
}

/** Keys of the secrets a device already holds. */
export function storedSecretKeys(stored: Record<string, IdentifierView> | null | undefined): Set<string> {
  return new Set(
    Object.entries(stored ?? {})
      .filter(([, v]) => v.isSecret && v.hasValue)
      .map(([key]) => key),
  );
}

/** The input's maxlength: the fixed length, or a MAC address's 17 characters; none for free patterns. */
export function identifierMaxLength(field: IdentifierField): number | undefined {
  if (field.length) return field.length;
  return field.valueType === 'MAC' ? 17 : undefined;
}
