import type { MapStatus } from '@water/shared';

/**
 * The dashboard map's area filter (issue 21): a district, and within it a neighbourhood; an empty
 * string means "all". Pure, so the card, the map and the unit tests share one rule.
 */
export interface MapArea {
  district: string;
  neighborhood: string;
}

export const ALL_AREAS: Readonly<MapArea> = Object.freeze({ district: '', neighborhood: '' });

/** Where the map should jump (a search hit); `seq` tells two jumps to the same subscription apart. */
export interface MapFocus {
  subscriptionId: string;
  lat: number;
  lng: number;
  seq: number;
}

interface Located {
  district: string | null;
  neighborhood: string | null;
}

export function isAllAreas(area: MapArea): boolean {
  return !area.district;
}

export function inArea(marker: Located, area: MapArea): boolean {
  if (!area.district) return true;
  if (marker.district !== area.district) return false;
  return !area.neighborhood || marker.neighborhood === area.neighborhood;
}

/** The markers in the area; the same array when every area is chosen (no needless map redraw). */
export function filterByArea<T extends Located>(markers: T[], area: MapArea): T[] {
  return isAllAreas(area) ? markers : markers.filter((m) => inArea(m, area));
}

/** How many of the markers the map draws: those whose colour the legend does not hide. */
export function shownCount(markers: Iterable<{ status: MapStatus }>, hidden: readonly MapStatus[]): number {
  let count = 0;
  for (const m of markers) if (!hidden.includes(m.status)) count++;
  return count;
}

/** Choosing a district clears the neighbourhood (it belongs to the previous district). */
export function withDistrict(district: string): MapArea {
  return { district, neighborhood: '' };
}
