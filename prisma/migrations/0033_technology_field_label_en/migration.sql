-- Issue 21: identifier field labels in Turkish and English, as subscription group names (0030) and IP rating
-- descriptions (0032). "label" is the Turkish one (required); "label_en" the English one (optional).
ALTER TABLE "communication_technology_field" ADD COLUMN "label_en" VARCHAR(100);

-- The seed wrote English labels into "label". Where a field still carries the seed's exact text, it becomes the
-- English one and the Turkish is written; technical names (DevEUI, IMEI, PAC…) are the same in both; a label a
-- utility typed stays as it is.
UPDATE "communication_technology_field" f SET "label_en" = f."label", "label" = s.tr
  FROM (VALUES
    ('ID', 'Device ID', 'Cihaz kimliği'),
    ('PAC', 'PAC', 'PAC'),
    ('DevEUI', 'DevEUI', 'DevEUI'),
    ('JoinEUI', 'JoinEUI (AppEUI)', 'JoinEUI (AppEUI)'),
    ('AppKey', 'AppKey', 'AppKey'),
    ('IMEI', 'IMEI', 'IMEI'),
    ('IMSI', 'IMSI', 'IMSI'),
    ('ICCID', 'ICCID (SIM)', 'ICCID (SIM)'),
    ('ManufacturerCode', 'Manufacturer code (FLAG)', 'Üretici kodu (FLAG)'),
    ('MeterId', 'Meter ID (secondary address)', 'Sayaç kimliği (ikincil adres)'),
    ('Version', 'Version', 'Sürüm'),
    ('DeviceType', 'Device type (medium)', 'Cihaz tipi (ortam)'),
    ('AesKey', 'AES-128 key', 'AES-128 anahtarı'),
    ('EUI64', 'EUI-64', 'EUI-64'),
    ('NetworkKey', 'Network key', 'Ağ anahtarı'),
    ('ShortAddress', 'Short address', 'Kısa adres'),
    ('MAC', 'MAC address', 'MAC adresi'),
    ('UID', 'UID', 'UID')
  ) AS s(key, en, tr)
 WHERE f."key" = s.key AND f."label" = s.en;
