/** An index in m³ typed with a dot or a Turkish decimal comma: a number ≥ 0 with at most 3 decimals, else null. */
export function parseIndexM3(text: string): number | null {
  const t = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d{1,11}(\.\d{1,3})?$/.test(t)) return null;
  return Number(t);
}

/** The form text of a stored index (dot as the separator, as typed back). */
export function indexText(value: number | null | undefined): string {
  return value == null ? '' : String(Math.round(value * 1000) / 1000);
}
