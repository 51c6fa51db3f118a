import type { PermissionMatrix } from '@water/shared';
import { emptyMatrix, fullMatrix, PERMISSION_MODULES } from '@water/shared';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Checkbox } from '~/components/ui/checkbox';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '~/components/ui/table';
import PermissionMatrixGrid from '~/components/users/PermissionMatrix.vue';
import {
  columnState,
  isCellEditable,
  matrixEquals,
  normalizeMatrix,
  rowState,
  setColumn,
  setRight,
  setRow,
  ungrantedRights,
} from '~/lib/permission-grid';

function heldMeters(): PermissionMatrix {
  const held = emptyMatrix();
  held.METERS = { create: true, read: true, update: true, delete: false };
  return held;
}

describe('permission grid rules', () => {
  it('ticks read along with any write right', () => {
    for (const action of ['create', 'update', 'delete'] as const) {
      const next = setRight(emptyMatrix(), 'METERS', action, true);
      expect(next.METERS[action]).toBe(true);
      expect(next.METERS.read).toBe(true);
    }
  });

  it('unticks the write rights when read is unticked', () => {
    const next = setRight(fullMatrix(), 'DEVICES', 'read', false);
    expect(next.DEVICES).toEqual({ create: false, read: false, update: false, delete: false });
    expect(next.METERS).toEqual({ create: true, read: true, update: true, delete: true });
  });

  it('keeps read when a write right is unticked', () => {
    const next = setRight(fullMatrix(), 'DEVICES', 'delete', false);
    expect(next.DEVICES).toEqual({ create: true, read: true, update: true, delete: false });
  });

  it('never changes the matrix it was given', () => {
    const start = emptyMatrix();
    setRight(start, 'METERS', 'create', true);
    setRow(start, 'METERS', true);
    setColumn(start, 'read', true);
    expect(start).toEqual(emptyMatrix());
  });

  it('refuses to tick a right the signed-in user does not hold, but always allows unticking', () => {
    const held = heldMeters();
    expect(setRight(emptyMatrix(), 'METERS', 'delete', true, held).METERS.delete).toBe(false);
    expect(setRight(emptyMatrix(), 'DEVICES', 'read', true, held).DEVICES.read).toBe(false);
    expect(isCellEditable(emptyMatrix(), held, 'METERS', 'delete')).toBe(false);
    expect(isCellEditable(fullMatrix(), held, 'METERS', 'delete')).toBe(true);
    expect(setRight(fullMatrix(), 'METERS', 'delete', false, held).METERS.delete).toBe(false);
  });

  it('ticks a whole row only as far as the user holds it', () => {
    const next = setRow(emptyMatrix(), 'METERS', true, heldMeters());
    expect(next.METERS).toEqual({ create: true, read: true, update: true, delete: false });
    expect(rowState(next, 'METERS')).toBe('indeterminate');
    expect(rowState(setRow(next, 'METERS', false), 'METERS')).toBe(false);
    expect(rowState(fullMatrix(), 'METERS')).toBe(true);
  });

  it('ticks a column on every module the user may grant it on', () => {
    const next = setColumn(emptyMatrix(), 'update', true, heldMeters());
    expect(PERMISSION_MODULES.filter((m) => next[m].update)).toEqual(['METERS']);
    expect(next.METERS.read).toBe(true);
    expect(columnState(next, 'update')).toBe('indeterminate');
    expect(columnState(setColumn(emptyMatrix(), 'read', true), 'read')).toBe(true);
  });

  it('normalizes partial matrices and lists rights that would be refused', () => {
    const normalized = normalizeMatrix({ METERS: { update: true } });
    expect(normalized.METERS).toEqual({ create: false, read: true, update: true, delete: false });
    expect(normalized.USERS.read).toBe(false);
    expect(matrixEquals(normalized, normalizeMatrix(normalized))).toBe(true);
    expect(ungrantedRights(fullMatrix(), heldMeters())).toContainEqual({ module: 'METERS', action: 'delete' });
    expect(ungrantedRights(heldMeters(), heldMeters())).toEqual([]);
    expect(ungrantedRights(fullMatrix(), null)).toEqual([]);
  });
});

describe('PermissionMatrix grid', () => {
  beforeEach(() => {
    vi.stubGlobal('useI18n', () => ({
      t: (key: string, params?: Record<string, unknown>) => (params ? `${key}:${JSON.stringify(params)}` : key),
    }));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function mountGrid(props: { modelValue: PermissionMatrix; held?: PermissionMatrix | null; readonly?: boolean }) {
    return mount(PermissionMatrixGrid, {
      props: { caption: 'ASKİ', ...props },
      global: {
        components: {
          UiTable: Table,
          UiTableHeader: TableHeader,
          UiTableBody: TableBody,
          UiTableRow: TableRow,
          UiTableHead: TableHead,
          UiTableCell: TableCell,
          UiCheckbox: Checkbox,
        },
        mocks: { $t: (key: string) => key },
      },
    });
  }

  it('shows every module by four actions', () => {
    const wrapper = mountGrid({ modelValue: emptyMatrix() });
    expect(wrapper.findAll('tbody tr')).toHaveLength(PERMISSION_MODULES.length);
    expect(wrapper.findAll('[data-testid^="matrix-"]')).toHaveLength(PERMISSION_MODULES.length * 4);
  });

  it('emits the matrix with read ticked when a write right is ticked', async () => {
    const wrapper = mountGrid({ modelValue: emptyMatrix() });
    await wrapper.get('[data-testid="matrix-METERS-update"]').trigger('click');
    const emitted = wrapper.emitted('update:modelValue')?.[0]?.[0] as PermissionMatrix;
    expect(emitted.METERS).toEqual({ create: false, read: true, update: true, delete: false });
  });

  it('disables the cells the signed-in user cannot grant', () => {
    const wrapper = mountGrid({ modelValue: emptyMatrix(), held: heldMeters() });
    expect(wrapper.get('[data-testid="matrix-METERS-create"]').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('[data-testid="matrix-METERS-delete"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="matrix-USERS-read"]').attributes('disabled')).toBeDefined();
  });

  it('is read only when asked, without the row and column toggles', () => {
    const wrapper = mountGrid({ modelValue: fullMatrix(), readonly: true });
    expect(wrapper.findAll('[role="checkbox"]')).toHaveLength(PERMISSION_MODULES.length * 4);
    expect(wrapper.findAll('[role="checkbox"]').every((box) => box.attributes('disabled') !== undefined)).toBe(true);
  });

  it('names every cell for screen readers', () => {
    const wrapper = mountGrid({ modelValue: emptyMatrix() });
    expect(wrapper.get('[data-testid="matrix-DEVICES-delete"]').attributes('aria-label')).toContain('users.matrix.cell');
  });
});
