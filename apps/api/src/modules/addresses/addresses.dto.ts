import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { AddressInputSchema, AddressSchema, mapAddress } from '../../core/http/address.dto';
import { pageQueryShape, pageSchema } from '../../core/http/paging';

/**
 * How a form points at an address: `addressId` of an existing address of the same tenant, or an
 * inline `address` object that is stored as a new address of that tenant. Never both.
 */
export const addressRefShape = {
  addressId: z.string().uuid({ message: 'must be a UUID' }).nullish(),
  address: AddressInputSchema.nullish(),
};
export interface AddressRef {
  addressId?: string | null;
  address?: z.infer<typeof AddressInputSchema> | null;
}
export function addressRefIsExclusive(v: AddressRef): boolean {
  return !(v.addressId && v.address);
}
export const ADDRESS_REF_MESSAGE = { message: 'give either addressId or address, not both', path: ['address'] };

export const CreateAddressSchema = AddressInputSchema.safeExtend({ tenantId: z.string().uuid({ message: 'must be a UUID' }) });
export class CreateAddressDto extends createZodDto(CreateAddressSchema) {}

export const UpdateAddressSchema = AddressInputSchema;
export class UpdateAddressDto extends createZodDto(UpdateAddressSchema) {}

export const ListAddressesQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId: z.string().uuid({ message: 'must be a UUID' }).optional(),
    city: z.string().trim().max(100).optional(),
    sort: z.enum(['name', 'city', 'district', 'createdAt']).default('createdAt'),
  })
  .strict();
export class ListAddressesQueryDto extends createZodDto(ListAddressesQuerySchema) {}

export const AddressRowSchema = AddressSchema.extend({
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type AddressRow = z.infer<typeof AddressRowSchema>;
export class AddressPageDto extends createZodDto(pageSchema(AddressRowSchema)) {}

export const AddressDetailSchema = AddressRowSchema.extend({
  usage: z.object({ customers: z.number().int(), contacts: z.number().int(), subscriptions: z.number().int(), tenants: z.number().int() }),
});
export type AddressDetail = z.infer<typeof AddressDetailSchema>;
export class AddressDetailDto extends createZodDto(AddressDetailSchema) {}

type AddressRecord = Parameters<typeof mapAddress>[0] & { tenantId: string; createdAt: Date; updatedAt: Date; tenant: { name: string } };

export function mapAddressRow(a: AddressRecord): AddressRow {
  return {
    ...mapAddress(a),
    tenantId: a.tenantId,
    tenantName: a.tenant.name,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** An address's columns as the list queries select them beside other rows' (subscriptions list, map search). */
export interface AddressColumnsRecord {
  street: string | null;
  building_no: string | null;
  door_no: string | null;
  neighborhood: string | null;
  district: string | null;
  city: string | null;
  address_name: string | null;
}

/** `formatAddressLine` of a list row's address columns. */
export function addressColumnsLine(r: AddressColumnsRecord): string {
  return formatAddressLine({
    street: r.street,
    buildingNo: r.building_no,
    doorNo: r.door_no,
    neighborhood: r.neighborhood,
    district: r.district,
    city: r.city,
    name: r.address_name,
  });
}

/** One line for tables: "Street No/Door, Neighborhood, District/City". */
export function formatAddressLine(a: {
  street: string | null;
  buildingNo: string | null;
  doorNo: string | null;
  neighborhood: string | null;
  district: string | null;
  city: string | null;
  name?: string | null;
}): string {
  const street = [a.street, [a.buildingNo, a.doorNo].filter(Boolean).join('/')].filter(Boolean).join(' No: ');
  const place = [a.district, a.city].filter(Boolean).join('/');
  const line = [a.neighborhood, street, place].filter(Boolean).join(', ');
  return line || a.name || '';
}
