/** Address fields of brief 1.14.1 as the API answers them. */
export interface AddressLike {
  name?: string | null;
  street?: string | null;
  buildingNo?: string | null;
  floor?: string | null;
  doorNo?: string | null;
  neighborhood?: string | null;
  district?: string | null;
  city?: string | null;
  postalCode?: string | null;
}

/**
 * An address as lines, in the Turkish postal order: street with building and door numbers,
 * neighbourhood, then postal code with district/city. Empty parts are left out.
 */
export function addressLines(
  address: AddressLike | null | undefined,
  labels: { floor: (floor: string) => string } = { floor: (f) => `Kat ${f}` },
): string[] {
  if (!address) return [];
  const join = (parts: (string | null | undefined)[], separator: string) => parts.filter((p) => p && p.trim()).join(separator);
  const numbers = join(
    [
      address.buildingNo ? `No: ${address.buildingNo}` : null,
      address.floor ? labels.floor(address.floor) : null,
      address.doorNo ? `D: ${address.doorNo}` : null,
    ],
    ' ',
  );
  return [
    join([address.street, numbers], ' '),
    address.neighborhood ?? '',
    join([address.postalCode, join([address.district, address.city], ' / ')], ' '),
  ].filter((line) => line.trim());
}
