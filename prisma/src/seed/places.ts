import { uavtCode, unique } from './numbers';
import type { Random } from './random';

export interface District {
  name: string;
  /** Rough centre of the built-up area; addresses scatter around it. */
  lat: number;
  lng: number;
  /** Scatter radius in degrees (about 1.1 km per 0.01°). */
  spread: number;
  postalCode: string;
  neighborhoods: string[];
}

export interface City {
  name: string;
  districts: District[];
  taxOffices: string[];
}

export const ANKARA: City = {
  name: 'Ankara',
  districts: [
    {
      name: 'Çankaya',
      lat: 39.9032,
      lng: 32.8597,
      spread: 0.025,
      postalCode: '06690',
      neighborhoods: ['Kızılay', 'Bahçelievler', 'Ayrancı', 'Dikmen', 'Çukurambar', 'Birlik', 'Emek', 'Balgat', 'Oran', 'Yıldız'],
    },
    {
      name: 'Keçiören',
      lat: 39.9833,
      lng: 32.8667,
      spread: 0.02,
      postalCode: '06280',
      neighborhoods: ['Etlik', 'Aktepe', 'Kalaba', 'Ovacık', 'Bağlarbaşı', 'Esertepe'],
    },
    {
      name: 'Yenimahalle',
      lat: 39.97,
      lng: 32.81,
      spread: 0.025,
      postalCode: '06170',
      neighborhoods: ['Batıkent', 'Demetevler', 'Ostim', 'Karşıyaka', 'Şentepe', 'Ragıp Tüzün'],
    },
    {
      name: 'Mamak',
      lat: 39.93,
      lng: 32.915,
      spread: 0.018,
      postalCode: '06270',
      neighborhoods: ['Akdere', 'Abidinpaşa', 'Tuzluçayır', 'Kutlu', 'Ege'],
    },
    {
      name: 'Etimesgut',
      lat: 39.956,
      lng: 32.67,
      spread: 0.02,
      postalCode: '06790',
      neighborhoods: ['Eryaman', 'Elvan', 'Piyade', 'Topçu', 'Süvari', 'Ahi Mesut'],
    },
    {
      name: 'Sincan',
      lat: 39.97,
      lng: 32.58,
      spread: 0.018,
      postalCode: '06930',
      neighborhoods: ['Fatih', 'Pınarbaşı', 'Tandoğan', 'Yenikent', 'Törekent'],
    },
    {
      name: 'Altındağ',
      lat: 39.945,
      lng: 32.875,
      spread: 0.012,
      postalCode: '06050',
      neighborhoods: ['Ulus', 'Hacettepe', 'Aydınlıkevler', 'Karapürçek', 'Battalgazi'],
    },
  ],
  taxOffices: [
    'Çankaya Vergi Dairesi',
    'Kavaklıdere Vergi Dairesi',
    'Maltepe Vergi Dairesi',
    'Yenimahalle Vergi Dairesi',
    'Keçiören Vergi Dairesi',
    'Ostim Vergi Dairesi',
    'Etimesgut Vergi Dairesi',
    'Sincan Vergi Dairesi',
  ],
};

export const HATAY: City = {
  name: 'Hatay',
  districts: [
    {
      name: 'Antakya',
      lat: 36.2025,
      lng: 36.1606,
      spread: 0.015,
      postalCode: '31030',
      neighborhoods: ['Saray', 'Kuyulu', 'Cumhuriyet', 'Ürgen Paşa', 'Haraparası', 'Odabaşı'],
    },
    {
      name: 'İskenderun',
      lat: 36.585,
      lng: 36.17,
      spread: 0.015,
      postalCode: '31200',
      neighborhoods: ['Çay', 'Denizciler', 'Modernevler', 'Savaş', 'Sakarya', 'Numune'],
    },
    {
      name: 'Defne',
      lat: 36.19,
      lng: 36.135,
      spread: 0.012,
      postalCode: '31160',
      neighborhoods: ['Harbiye', 'Armutlu', 'Çekmece', 'Sümerler', 'Elektrik'],
    },
    {
      name: 'Dörtyol',
      lat: 36.84,
      lng: 36.225,
      spread: 0.01,
      postalCode: '31600',
      neighborhoods: ['Yeşilköy', 'Kuzuculu', 'Numune', 'Karakese'],
    },
    {
      name: 'Samandağ',
      lat: 36.08,
      lng: 35.98,
      spread: 0.01,
      postalCode: '31800',
      neighborhoods: ['Çevlik', 'Meydan', 'Deniz', 'Yeniköy'],
    },
    {
      name: 'Reyhanlı',
      lat: 36.268,
      lng: 36.567,
      spread: 0.008,
      postalCode: '31500',
      neighborhoods: ['Cumhuriyet', 'Atatürk', 'Yenişehir'],
    },
    {
      name: 'Kırıkhan',
      lat: 36.499,
      lng: 36.357,
      spread: 0.008,
      postalCode: '31440',
      neighborhoods: ['Cumhuriyet', 'Kırcaoğlu', 'Ceylanlı'],
    },
    { name: 'Arsuz', lat: 36.413, lng: 35.886, spread: 0.008, postalCode: '31290', neighborhoods: ['Karaağaç', 'Gökmeydan', 'Konacık'] },
  ],
  taxOffices: [
    'Antakya Vergi Dairesi',
    'Şükrükanatlı Vergi Dairesi',
    'İskenderun Vergi Dairesi',
    'Sahil Vergi Dairesi',
    'Dörtyol Vergi Dairesi',
    'Reyhanlı Vergi Dairesi',
    'Kırıkhan Vergi Dairesi',
  ],
};

const STREETS = [
  'Atatürk Bulvarı',
  'Cumhuriyet Caddesi',
  'İstiklal Caddesi',
  'Gazi Mustafa Kemal Caddesi',
  'Fatih Caddesi',
  'Mevlana Bulvarı',
  'Gül Sokak',
  'Lale Sokak',
  'Menekşe Sokak',
  'Papatya Sokak',
  'Akasya Sokak',
  'Zambak Sokak',
  'Kardelen Sokak',
  'Çınar Sokak',
  'Barış Sokak',
  'Yıldız Sokak',
  'Ihlamur Sokak',
  'Nergis Sokak',
  'Sedir Sokak',
  'Begonya Sokak',
  'Karanfil Sokak',
  'Erguvan Sokak',
  'Şehit Piyade Er Ali Yılmaz Sokak',
  'Şehit Polis Ahmet Kaya Caddesi',
  '1071. Sokak',
  '1453. Sokak',
  '23 Nisan Caddesi',
  '19 Mayıs Caddesi',
];

export interface AddressRow {
  id: string;
  tenant_id: string;
  name: string;
  latitude: string;
  longitude: string;
  city: string;
  district: string;
  neighborhood: string;
  street: string;
  building_no: string;
  floor: string;
  door_no: string;
  postal_code: string;
  uavt_code: string;
  description: string;
  extra_details: string | null;
  created_at: Date;
}

export interface AddressInput {
  tenantId: string;
  name: string;
  description: string;
  /** Detached houses and business premises have no floor/door worth noting: ground floor, door 1. */
  kind: 'FLAT' | 'HOUSE' | 'BUSINESS' | 'OFFICE';
  createdAt: Date;
  district?: string;
  extraDetails?: string | null;
}

/** Builds a fully filled address somewhere in `city`; UAVT codes are unique across the run. */
export function makeAddress(rng: Random, city: City, input: AddressInput, uavtTaken: Set<string>): AddressRow {
  const district = input.district ? city.districts.find((d) => d.name === input.district)! : rng.pick(city.districts);
  const flat = input.kind === 'FLAT' || input.kind === 'OFFICE';
  return {
    id: rng.uuid(),
    tenant_id: input.tenantId,
    name: input.name,
    latitude: (district.lat + rng.gaussian() * district.spread * 0.5).toFixed(6),
    longitude: (district.lng + rng.gaussian() * district.spread * 0.6).toFixed(6),
    city: city.name,
    district: district.name,
    neighborhood: `${rng.pick(district.neighborhoods)} Mahallesi`,
    street: rng.pick(STREETS),
    building_no: String(rng.int(1, 120)) + (rng.chance(0.15) ? `/${rng.pick(['A', 'B', 'C'])}` : ''),
    floor: flat
      ? String(
          rng.weighted([
            [0, 1],
            [1, 3],
            [2, 3],
            [3, 3],
            [4, 2],
            [5, 2],
            [6, 1],
            [8, 1],
            [10, 1],
          ] as const),
        )
      : '0',
    door_no: flat ? String(rng.int(1, 24)) : '1',
    postal_code: district.postalCode,
    uavt_code: unique(uavtTaken, () => uavtCode(rng)),
    description: input.description,
    extra_details: input.extraDetails ?? null,
    created_at: input.createdAt,
  };
}
