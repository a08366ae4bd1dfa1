-- One catalogue product: one product row by primary key, joined to its
-- pesantren (1,000 published ids at random, as the API is driven).
\set n random(1, 1000)
SELECT p.*, s.name AS pesantren_name, s.province_code AS pesantren_province, s.regency_code, s.phone
FROM products p JOIN pesantren s ON s.id = p.pesantren_id
WHERE p.id = (:'READ_IDS'::uuid[])[:n];
