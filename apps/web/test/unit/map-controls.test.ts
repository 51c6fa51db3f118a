import L from 'leaflet';
import { describe, expect, it } from 'vitest';
import { createMap, leafletPrefix } from '~/lib/map-controls';

const TEXTS = { zoomIn: 'Yakınlaştır', zoomOut: 'Uzaklaştır', leaflet: 'Etkileşimli haritalar için bir JavaScript kitaplığı' };

/** Leaflet's own controls speak the page's language (issue 21: no English on Turkish pages). */
describe('map controls', () => {
  it('titles the zoom buttons and the Leaflet credit in the given language', () => {
    const container = document.createElement('div');
    document.body.append(container);
    const map = createMap(L, container, TEXTS, { minZoom: 3, maxZoom: 19, tiles: true });
    expect(container.querySelector('.leaflet-control-zoom-in')?.getAttribute('title')).toBe('Yakınlaştır');
    expect(container.querySelector('.leaflet-control-zoom-out')?.getAttribute('title')).toBe('Uzaklaştır');
    const credit = container.querySelector('.leaflet-control-attribution a');
    expect(credit?.getAttribute('title')).toBe(TEXTS.leaflet);
    expect(container.innerHTML).not.toContain('A JavaScript library');
    map.remove();
  });

  it('shows no attribution without tiles, and escapes the credit title', () => {
    const container = document.createElement('div');
    document.body.append(container);
    const map = createMap(L, container, TEXTS, { minZoom: 3, maxZoom: 19, tiles: false });
    expect(container.querySelector('.leaflet-control-attribution')).toBeNull();
    expect(container.querySelector('.leaflet-control-zoom-in')).not.toBeNull();
    map.remove();
    expect(leafletPrefix('a "b" <c> & d')).toBe('<a href="https://leafletjs.com" title="a &quot;b&quot; &lt;c&gt; &amp; d">Leaflet</a>');
  });
});
