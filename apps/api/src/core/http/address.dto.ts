import { z } from 'zod';

/** Address fields of brief 1.14.1, shared by every form that embeds an address. */
export const AddressInputSchema = z
  .object({
    name: z.string().trim().max(200).nullish(),
    latitude: z.number().min(-90).max(90).nullish(),
    longitude: z.number().min(-180).max(180).nullish(),
    city: z.string().trim().max(100).nullish(),
    district: z.string().trim().max(100).nullish(),
    neighborhood: z.string().trim().max(150).nullish(),
    street: z.string().trim().max(200).nullish(),
    buildingNo: z.string().trim().max(20).nullish(),
    floor: z.string().trim().max(10).nullish(),
    doorNo: z.string().trim().max(20).nullish(),
    postalCode: z
      .string()
      .trim()
      .regex(/^[0-9]{5}$/, 'must be 5 digits')
      .nullish(),
    uavtCode: z
      .string()
      .trim()
      .regex(/^[0-9]{10}$/, 'must be 10 digits')
      .nullish(),
    description: z.string().trim().max(500).nullish(),
    extraDetails: z.string().trim().max(2000).nullish(),
  })
  .strict()
  .refine((a) => (a.latitude == null) === (a.longitude == null), { message: 'latitude and longitude go together', path: ['longitude'] });
export type AddressInput = z.infer<typeof AddressInputSchema>;

export const AddressSchema = z.object({
  id: z.string().uuid(),
  name: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  city: z.string().nullable(),
  district: z.string().nullable(),
  neighborhood: z.string().nullable(),
  street: z.string().nullable(),
  buildingNo: z.string().nullable(),
  floor: z.string().nullable(),
  doorNo: z.string().nullable(),
  postalCode: z.string().nullable(),
  uavtCode: z.string().nullable(),
  description: z.string().nullable(),
  extraDetails: z.string().nullable(),
});
export type AddressView = z.infer<typeof AddressSchema>;

type DecimalLike = { toNumber(): number } | number | string | null;
const num = (v: DecimalLike): number | null => (v == null ? null : typeof v === 'object' ? v.toNumber() : Number(v));

export function mapAddress(a: {
  id: string;
  name: string | null;
  latitude: DecimalLike;
  longitude: DecimalLike;
  city: string | null;
  district: string | null;
  neighborhood: string | null;
  street: string | null;
  buildingNo: string | null;
  floor: string | null;
  doorNo: string | null;
  postalCode: string | null;
  uavtCode: string | null;
  description: string | null;
  extraDetails: string | null;
}): AddressView {
  return {
    id: a.id,
    name: a.name,
    latitude: num(a.latitude),
    longitude: num(a.longitude),
    city: a.city,
    district: a.district,
    neighborhood: a.neighborhood,
    street: a.street,
    buildingNo: a.buildingNo,
    floor: a.floor,
    doorNo: a.doorNo,
    postalCode: a.postalCode,
    uavtCode: a.uavtCode,
    description: a.description,
    extraDetails: a.extraDetails,
  };
}
