-- A manager's own products: one page of 20 of one pesantren's products.
SELECT * FROM products WHERE pesantren_id = :'PESANTREN' ORDER BY id DESC LIMIT 20;
