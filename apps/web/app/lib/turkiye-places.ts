import { PROVINCES } from './turkiye-provinces';

/**
 * Provinces (il) and districts (ilçe) of Türkiye for the address fields' suggestions (issue 21). The fields stay
 * free text: a place missing here is typed in. The lists are generated from a maintained package
 * (scripts/turkiye-places.ts); the 81 provinces ship with the form, the 973 districts (a ~13 KB JSON module) load
 * on demand.
 */
export { PROVINCES };

/** The Turkish way to compare place names: case folded by Turkish rules (İ/i, I/ı), circumflexes optional (Hakkâri). */
const fold = (text: string) =>
  text
    .trim()
    .toLocaleLowerCase('tr-TR')
    .normalize('NFD')
    .replace(/\u0302/g, '')
    .normalize('NFC');

/** The province a typed city names (any case), or null. */
export function provinceNamed(city: string | null | undefined): { code: number; name: string } | null {
  if (!city?.trim()) return null;
  const wanted = fold(city);
  return PROVINCES.find((p) => fold(p.name) === wanted) ?? null;
}

/** The districts to suggest for a typed city, in Turkish order: empty when the city is no province. */
export async function districtsOf(city: string | null | undefined): Promise<readonly string[]> {
  const province = provinceNamed(city);
  if (!province) return [];
  const { default: districts } = await import('./turkiye-districts.json');
  return (districts as Record<string, readonly string[]>)[province.code] ?? [];
}
