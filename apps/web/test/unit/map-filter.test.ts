import { describe, expect, it } from 'vitest';
import { ALL_AREAS, filterByArea, inArea, isAllAreas, shownCount, withDistrict } from '~/lib/map-filter';

const markers = [
  { id: 1, status: 'GREEN' as const, district: 'Çankaya', neighborhood: 'Kızılay Mahallesi' },
  { id: 2, status: 'RED' as const, district: 'Çankaya', neighborhood: 'Emek Mahallesi' },
  { id: 3, status: 'GREY' as const, district: 'Keçiören', neighborhood: 'Etlik Mahallesi' },
  { id: 4, status: 'GREEN' as const, district: null, neighborhood: null },
];

describe('map area filter', () => {
  it('keeps every marker, the same array, when no district is chosen', () => {
    expect(isAllAreas(ALL_AREAS)).toBe(true);
    expect(filterByArea(markers, ALL_AREAS)).toBe(markers);
  });

  it('narrows to a district, then to a neighbourhood of it', () => {
    expect(filterByArea(markers, withDistrict('Çankaya')).map((m) => m.id)).toEqual([1, 2]);
    expect(filterByArea(markers, { district: 'Çankaya', neighborhood: 'Emek Mahallesi' }).map((m) => m.id)).toEqual([2]);
    expect(filterByArea(markers, withDistrict('Mamak'))).toEqual([]);
    // A marker without an address district is in no district.
    expect(inArea(markers[3]!, withDistrict('Çankaya'))).toBe(false);
  });

  it('clears the neighbourhood when the district changes', () => {
    expect(withDistrict('Keçiören')).toEqual({ district: 'Keçiören', neighborhood: '' });
  });

  it('counts what the map draws: the markers whose colour is not hidden', () => {
    expect(shownCount(markers, [])).toBe(4);
    expect(shownCount(markers, ['GREEN'])).toBe(2);
    expect(shownCount(filterByArea(markers, withDistrict('Çankaya')), ['RED'])).toBe(1);
  });
});
