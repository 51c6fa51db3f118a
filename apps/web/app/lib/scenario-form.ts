import type { ProfilesScenario } from '~/composables/useProfilesApi';
import type { ApiBody } from '~/lib/api-client';
import type { FieldIssues } from '~/lib/form-model';
import { computed, reactive, ref } from 'vue';
import { fieldMappingText, parseFieldMapping } from '~/lib/decoder-payload';
import { changedEntries, snapshot } from '~/lib/form-model';
import { numberText, parseInteger } from '~/lib/number-input';

/** What the message scenario editor edits (brief 2.7.2.6: message scenarios with their decoder). */
export interface ProfilesScenarioFormValues {
  name: string;
  technologyId: string;
  fPort: string;
  decoderSource: string;
  fieldMapping: string;
  isActive: boolean;
  sortOrder: string;
}

export type ProfilesScenarioField = keyof ProfilesScenarioFormValues;

/** A starting decoder in the LoRa Alliance TS013 shape the sandbox runs. */
export const PROFILES_DECODER_TEMPLATE = `function decodeUplink(input) {
  var b = input.bytes;
  return {
    data: { indexM3: 0 },
    warnings: [],
    errors: []
  };
}
`;

function valuesOf(scenario: ProfilesScenario | null | undefined, defaultTechnologyId: string): ProfilesScenarioFormValues {
  return {
    name: scenario?.name ?? '',
    technologyId: scenario?.technology.id ?? defaultTechnologyId,
    fPort: numberText(scenario?.fPort),
    decoderSource: scenario?.decoderSource ?? PROFILES_DECODER_TEMPLATE,
    fieldMapping: fieldMappingText(scenario?.fieldMapping),
    isActive: scenario?.isActive ?? true,
    sortOrder: numberText(scenario?.sortOrder ?? 0),
  };
}

export function validateScenario(values: ProfilesScenarioFormValues): FieldIssues<ProfilesScenarioField> {
  const issues: FieldIssues<ProfilesScenarioField> = {};
  if (!values.name.trim()) issues.name = { key: 'profiles.validation.required' };
  else if (values.name.trim().length > 100) issues.name = { key: 'profiles.validation.maxLength', params: { max: 100 } };
  if (!values.technologyId) issues.technologyId = { key: 'profiles.validation.choose' };
  const port = parseInteger(values.fPort);
  if (port !== null && (Number.isNaN(port) || port < 0 || port > 255)) issues.fPort = { key: 'profiles.validation.fPort' };
  if (!/\bdecodeUplink\b/.test(values.decoderSource)) issues.decoderSource = { key: 'profiles.validation.decodeUplink' };
  else if (new TextEncoder().encode(values.decoderSource).length > 65_536)
    issues.decoderSource = { key: 'profiles.validation.decoderSize' };
  const mapping = parseFieldMapping(values.fieldMapping);
  if (!mapping.ok) {
    const keys = {
      json: 'profiles.validation.mappingJson',
      object: 'profiles.validation.mappingObject',
      entry: 'profiles.validation.mappingEntry',
      tooMany: 'profiles.validation.mappingTooMany',
    } as const;
    issues.fieldMapping = { key: keys[mapping.issue], params: { key: mapping.key ?? '', example: '{ "volume": "indexM3" }' } };
  }
  const sortOrder = parseInteger(values.sortOrder);
  if (sortOrder === null || Number.isNaN(sortOrder) || sortOrder < 0 || sortOrder > 10_000)
    issues.sortOrder = { key: 'profiles.validation.sortOrder' };
  return issues;
}

// Built from values that passed validation: the empty choices and unparsed numbers the form can hold are not left.
export function scenarioPayload(values: ProfilesScenarioFormValues): ApiBody<'/api/device-profiles/{id}/scenarios', 'post'> {
  const mapping = parseFieldMapping(values.fieldMapping);
  return {
    name: values.name.trim(),
    technologyId: values.technologyId,
    fPort: parseInteger(values.fPort),
    decoderSource: values.decoderSource,
    fieldMapping: mapping.ok ? mapping.value : {},
    isActive: values.isActive,
    sortOrder: parseInteger(values.sortOrder),
  } as ApiBody<'/api/device-profiles/{id}/scenarios', 'post'>;
}

export function createScenarioForm(scenario: ProfilesScenario | null, defaultTechnologyId = '') {
  const initial = ref(valuesOf(scenario, defaultTechnologyId));
  const values = reactive(valuesOf(scenario, defaultTechnologyId));
  const issues = computed(() => validateScenario(values));
  return {
    values,
    issues,
    valid: computed(() => Object.keys(issues.value).length === 0),
    dirty: computed(() => snapshot(values) !== snapshot(initial.value)),
    payload: () => scenarioPayload(values),
    changes: () => changedEntries(scenarioPayload(values), scenarioPayload(initial.value)),
  };
}
