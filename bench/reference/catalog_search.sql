-- Catalogue search q=kopi: one page of 20 published rows whose folded name
-- contains the text, by the name index the API uses (its plan is shown).
SELECT p.*, s.name AS pesantren_name, s.regency_code, s.phone
FROM products p JOIN pesantren s ON s.id = p.pesantren_id
WHERE p.search_name LIKE '%kopi%' AND p.status = 'approved' AND s.status = 'verified'
ORDER BY p.id DESC LIMIT 20;
