import type * as Leaflet from 'leaflet';

/** The texts Leaflet's own controls show (tooltips and the attribution prefix), in the page's language. */
export interface MapControlTexts {
  zoomIn: string;
  zoomOut: string;
  leaflet: string;
}

/**
 * A Leaflet map with its zoom and attribution controls in the page's language: Leaflet's defaults are English
 * ("Zoom in", "A JavaScript library for interactive maps"), which the console must not show on Turkish pages.
 * The attribution control appears only with a tile layer (without tiles there is nothing to attribute).
 */
export function createMap(
  L: typeof Leaflet,
  container: HTMLElement,
  texts: MapControlTexts,
  options: { minZoom: number; maxZoom: number; tiles: boolean },
): Leaflet.Map {
  const map = L.map(container, { minZoom: options.minZoom, maxZoom: options.maxZoom, zoomControl: false, attributionControl: false });
  L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  if (options.tiles) L.control.attribution({ prefix: leafletPrefix(texts.leaflet) }).addTo(map);
  return map;
}

/** Leaflet's credit as a plain link whose tooltip is in the page's language (the text is escaped). */
export function leafletPrefix(title: string): string {
  const escaped = title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<a href="https://leafletjs.com" title="${escaped}">Leaflet</a>`;
}

/** The control texts from the `map` messages (dashboard.json of each locale). */
export function mapControlTexts(t: (key: string) => string): MapControlTexts {
  return { zoomIn: t('map.zoomIn'), zoomOut: t('map.zoomOut'), leaflet: t('map.leaflet') };
}
