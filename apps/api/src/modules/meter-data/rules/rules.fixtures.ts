import { DEFAULT_PARAMS, type MeterDataParams } from '../settings';

/** The defaults with some groups changed, for tests. */
export function params(over: { [G in keyof MeterDataParams]?: Partial<MeterDataParams[G]> } = {}): MeterDataParams {
  const p = structuredClone(DEFAULT_PARAMS);
  for (const [g, v] of Object.entries(over)) Object.assign((p as Record<string, object>)[g], v);
  return p;
}

export const at = (iso: string) => new Date(iso);
