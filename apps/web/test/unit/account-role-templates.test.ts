import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyMatrix, PERMISSION_ACTIONS, PERMISSION_MODULES, type PermissionMatrix } from '@water/shared';
import { Checkbox } from '~/components/ui/checkbox';
import { Label } from '~/components/ui/label';
import { NativeSelect, NativeSelectOption } from '~/components/ui/native-select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '~/components/ui/table';
import PermissionMatrixGrid from '~/components/users/PermissionMatrix.vue';
import { applyRoleTemplate, ROLE_TEMPLATES, templateClipped, templateMatrix, templateOf } from '~/lib/role-templates';

const full = (): PermissionMatrix => {
  const m = emptyMatrix();
  for (const module of PERMISSION_MODULES) for (const a of PERMISSION_ACTIONS) m[module][a] = true;
  return m;
};

describe('role templates', () => {
  it('read-only reads every module and writes none', () => {
    const m = templateMatrix('readOnly');
    for (const module of PERMISSION_MODULES) expect(m[module]).toEqual({ create: false, read: true, update: false, delete: false });
  });

  it('a field technician installs meters and devices but deletes nothing and sees no users, tenants or billing', () => {
    const m = templateMatrix('fieldTechnician');
    expect(m.METERS).toEqual({ create: true, read: true, update: true, delete: false });
    expect(m.DEVICES.update).toBe(true);
    expect(m.CUSTOMERS).toEqual({ create: false, read: true, update: false, delete: false });
    for (const module of ['USERS', 'TENANTS', 'BILLING'] as const) expect(m[module].read).toBe(false);
    expect(PERMISSION_MODULES.some((module) => m[module].delete)).toBe(false);
  });

  it('a tenant admin gets everything from a user who holds everything', () => {
    expect(applyRoleTemplate('tenantAdmin', full())).toEqual(full());
    expect(applyRoleTemplate('tenantAdmin', null)).toEqual(full());
    expect(templateClipped('tenantAdmin', full())).toBe(false);
  });

  it('never grants what the granting user does not hold, and never a write right without read', () => {
    const held = emptyMatrix();
    held.METERS = { create: true, read: true, update: false, delete: false };
    held.DEVICES = { create: false, read: false, update: true, delete: false }; // not a state the API gives, still clipped safely
    held.DASHBOARD.read = true;
    const m = applyRoleTemplate('fieldTechnician', held);
    expect(m.METERS).toEqual({ create: true, read: true, update: false, delete: false });
    expect(m.DEVICES).toEqual({ create: false, read: false, update: false, delete: false });
    expect(m.DASHBOARD.read).toBe(true);
    expect(m.CUSTOMERS.read).toBe(false);
    expect(templateClipped('fieldTechnician', held)).toBe(true);
    for (const template of ROLE_TEMPLATES) {
      const granted = applyRoleTemplate(template, held);
      for (const module of PERMISSION_MODULES)
        for (const a of PERMISSION_ACTIONS) {
          if (granted[module][a]) expect(held[module][a]).toBe(true);
          if (granted[module][a] && a !== 'read') expect(granted[module].read).toBe(true);
        }
    }
  });

  it('recognises the template a matrix is, else none', () => {
    expect(templateOf(templateMatrix('customerService'), null)).toBe('customerService');
    const edited = templateMatrix('customerService');
    edited.BILLING.update = true;
    expect(templateOf(edited, null)).toBeNull();
    expect(templateOf(emptyMatrix(), null)).toBeNull();
  });
});

describe('the permission matrix’s role template select', () => {
  beforeEach(() => vi.stubGlobal('useI18n', () => ({ t: (key: string) => key })));
  afterEach(() => vi.unstubAllGlobals());

  const mountGrid = (props: { modelValue: PermissionMatrix; held?: PermissionMatrix | null; readonly?: boolean }) =>
    mount(PermissionMatrixGrid, {
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
          UiLabel: Label,
          UiNativeSelect: NativeSelect,
          UiNativeSelectOption: NativeSelectOption,
        },
        mocks: { $t: (key: string) => key },
      },
    });

  it('fills the matrix from a template, clipped to what the signed-in user holds, and names the template it shows', async () => {
    const held = emptyMatrix();
    held.DASHBOARD.read = true;
    held.METERS = { create: true, read: true, update: true, delete: true };
    const wrapper = mountGrid({ modelValue: emptyMatrix(), held });
    await wrapper.get('select[data-testid="role-template"]').setValue('fieldTechnician');
    const emitted = wrapper.emitted('update:modelValue')?.[0]?.[0] as PermissionMatrix;
    expect(emitted).toEqual(applyRoleTemplate('fieldTechnician', held));
    expect(emitted.METERS.delete).toBe(false);

    await wrapper.setProps({ modelValue: emitted });
    expect((wrapper.get('select[data-testid="role-template"]').element as HTMLSelectElement).value).toBe('fieldTechnician');
    expect(wrapper.find('[data-testid="role-template-clipped"]').exists()).toBe(true);
  });

  it('offers no templates on a read-only matrix', () => {
    expect(mountGrid({ modelValue: emptyMatrix(), readonly: true }).find('[data-testid="role-template"]').exists()).toBe(false);
  });
});
