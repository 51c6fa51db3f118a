import { describe, expect, it } from 'vitest';
import { isLiveCell, liveCell, liveCellsIn, MAX_VIEWPORT_CELLS } from './live-events';

describe('map cells of the viewport rooms', () => {
  it('names the zoom-12 slippy tile of a point', () => {
    // Kızılay, Ankara (OpenStreetMap's tile of the point at zoom 12).
    expect(liveCell(39.9208, 32.8541)).toBe('12/2421/1551');
    expect(liveCell(-90, 180)).toBe('12/4095/4095');
  });

  it("lists a box's cells, the point's own among them, and none past the limit", () => {
    const cells = liveCellsIn({ south: 39.85, west: 32.7, north: 39.98, east: 32.95 })!;
    expect(cells).toContain(liveCell(39.9208, 32.8541));
    expect(cells.every(isLiveCell)).toBe(true);
    expect(liveCellsIn({ south: 36, west: 26, north: 42, east: 45 })).toBeNull();
    expect(liveCellsIn({ south: 39, west: 32, north: 39.5, east: 32.5 })!.length).toBeLessThanOrEqual(MAX_VIEWPORT_CELLS);
  });

  it('takes only cell names at its zoom', () => {
    for (const bad of ['13/1/1', '12/4096/1', '12/-1/2', 'cell:12/1/1', 12, null]) expect(isLiveCell(bad)).toBe(false);
    expect(isLiveCell('12/0/4095')).toBe(true);
  });
});
