import type { Random } from './random';

export const FEMALE_NAMES = [
  'Ayşe',
  'Fatma',
  'Emine',
  'Hatice',
  'Zeynep',
  'Elif',
  'Merve',
  'Esra',
  'Özlem',
  'Gülsüm',
  'Sevgi',
  'Derya',
  'Büşra',
  'Kübra',
  'Selin',
  'Ebru',
  'Hülya',
  'Nurcan',
  'Tuğba',
  'Şule',
  'Yasemin',
  'Gamze',
  'Ece',
  'Aslı',
  'Duygu',
  'Songül',
  'Filiz',
  'Meltem',
  'Sibel',
  'İlknur',
];

export const MALE_NAMES = [
  'Mehmet',
  'Mustafa',
  'Ahmet',
  'Ali',
  'Hüseyin',
  'Hasan',
  'İbrahim',
  'İsmail',
  'Osman',
  'Yusuf',
  'Murat',
  'Ömer',
  'Ramazan',
  'Halil',
  'Süleyman',
  'Abdullah',
  'Emre',
  'Burak',
  'Serkan',
  'Onur',
  'Gökhan',
  'Kemal',
  'Erkan',
  'Barış',
  'Uğur',
  'Cem',
  'Tolga',
  'Volkan',
  'Çağlar',
  'Oğuz',
];

export const SURNAMES = [
  'Yılmaz',
  'Kaya',
  'Demir',
  'Şahin',
  'Çelik',
  'Yıldız',
  'Yıldırım',
  'Öztürk',
  'Aydın',
  'Özdemir',
  'Arslan',
  'Doğan',
  'Kılıç',
  'Aslan',
  'Çetin',
  'Kara',
  'Koç',
  'Kurt',
  'Özkan',
  'Şimşek',
  'Polat',
  'Özcan',
  'Korkmaz',
  'Çakır',
  'Erdoğan',
  'Yavuz',
  'Can',
  'Acar',
  'Güneş',
  'Aksoy',
  'Bulut',
  'Keskin',
  'Ünal',
  'Tekin',
  'Güler',
  'Bozkurt',
  'Karaca',
  'Uçar',
  'Avcı',
  'Turan',
  'Sarı',
  'Tunç',
  'Ateş',
  'Erdem',
  'Güven',
  'Altun',
  'Işık',
  'Bayram',
  'Duman',
  'Önal',
];

/** Organisations that hold water subscriptions: building managements, schools, shops, small industry. */
export const ORGANIZATIONS = {
  ANKARA: [
    { name: 'Meltem Apartmanı Yöneticiliği', large: false },
    { name: 'Gül Sitesi Toplu Yapı Yönetimi', large: true },
    { name: 'Başkent Oto Yıkama Ltd. Şti.', large: true },
    { name: 'Kızılırmak Lokantacılık Ltd. Şti.', large: false },
    { name: 'Anadolu Özel Eğitim Kurumları A.Ş.', large: true },
    { name: 'Çamlıca Fırın ve Unlu Mamuller Ltd. Şti.', large: false },
    { name: 'Ostim Metal İşleme San. ve Tic. A.Ş.', large: true },
    { name: 'Yeşilvadi Konutları Site Yönetimi', large: true },
    { name: 'Eryaman Spor Kulübü Derneği', large: false },
    { name: 'Hitit Otelcilik Turizm A.Ş.', large: true },
  ],
  HATAY: [
    { name: 'Asi Otelcilik ve Turizm A.Ş.', large: true },
    { name: 'Defne Zeytinyağı San. Ltd. Şti.', large: true },
    { name: 'Harbiye Şelale Restoran Ltd. Şti.', large: false },
    { name: 'İskenderun Liman Lojistik A.Ş.', large: true },
    { name: 'Arsuz Sahil Sitesi Yönetimi', large: true },
    { name: 'Antakya Künefe Evi Gıda Ltd. Şti.', large: false },
  ],
} as const;

/** Contact roles written into customer_contact.details. */
export const CONTACT_ROLES = ['Site yöneticisi', 'Muhasebe sorumlusu', 'Teknik sorumlu', 'Genel müdür', 'İşletme müdürü'];

const FOLD: Record<string, string> = { ç: 'c', ğ: 'g', ı: 'i', i: 'i', ö: 'o', ş: 's', ü: 'u', â: 'a', î: 'i', û: 'u' };

/** Turkish text to the ASCII an e-mail local part uses ("Gülşen Öztürk" → "gulsen.ozturk"). */
export function asciiFold(text: string): string {
  return text
    .toLocaleLowerCase('tr-TR')
    .replace(/[çğıiöşüâîû]/g, (c) => FOLD[c] ?? c)
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

const MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

export interface PersonName {
  name: string;
  surname: string;
}

export function personName(rng: Random): PersonName {
  const first = rng.chance(0.5) ? rng.pick(FEMALE_NAMES) : rng.pick(MALE_NAMES);
  // One in eight people carries a second given name, as is common on Turkish ID cards.
  const second = rng.chance(0.12) ? ` ${rng.chance(0.5) ? rng.pick(FEMALE_NAMES) : rng.pick(MALE_NAMES)}` : '';
  return { name: first + (second.trim() === first ? '' : second), surname: rng.pick(SURNAMES) };
}

export function personEmail(rng: Random, person: PersonName, taken: Set<string>): string {
  for (;;) {
    const base = `${asciiFold(person.name.split(' ')[0])}.${asciiFold(person.surname)}`;
    const email = `${base}${rng.chance(0.6) ? rng.int(1, 99) : ''}@${rng.pick(MAIL_DOMAINS)}`;
    if (!taken.has(email)) {
      taken.add(email);
      return email;
    }
  }
}

export function organizationEmail(orgName: string): string {
  const slug = asciiFold(orgName)
    .split('.')
    .filter((w) => !['ltd', 'sti', 'a', 's', 've', 'tic', 'san'].includes(w))
    .slice(0, 2)
    .join('');
  return `info@${slug}.example.com`;
}
