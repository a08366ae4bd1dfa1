-- Catalogue list, category + province: one page of 20 published rows with
-- that filter, newest first, joined to their pesantren.
SELECT p.*, s.name AS pesantren_name, s.regency_code, s.phone
FROM products p JOIN pesantren s ON s.id = p.pesantren_id
WHERE p.status = 'approved' AND s.status = 'verified'
  AND p.category = 'food' AND p.province_code = '35'
ORDER BY p.id DESC LIMIT 20;
