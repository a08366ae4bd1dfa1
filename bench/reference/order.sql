-- Order placement on distinct products: the order's own writes as one
-- transaction (stock check and decrement, order row, idempotency row, feed
-- event) with no shared counter row: the event's position comes from a
-- sequence, into a scratch copy of the feed table.
\set n random(1, 200)
BEGIN;
UPDATE products SET stock = stock - 1, version = version + 1, updated_at = now()
  WHERE id = (:'ORDER_IDS'::uuid[])[:n] AND stock >= 1;
INSERT INTO orders (id, partner_id, product_id, pesantren_id, province_code, quantity,
    external_order_id, idempotency_key, variant_id, unit_price_idr, total_idr, created_at, updated_at, version)
  SELECT gen_random_uuid(), :'PARTNER', p.id, p.pesantren_id, p.province_code, 1,
    gen_random_uuid()::text, gen_random_uuid()::text, NULL, p.price_idr, p.price_idr, now(), now(), 1
  FROM products p WHERE p.id = (:'ORDER_IDS'::uuid[])[:n];
INSERT INTO idempotency_keys (id, principal, key, endpoint, request_hash, response_status, response_body, created_at, expires_at)
  VALUES (gen_random_uuid(), 'partner:' || :'PARTNER', gen_random_uuid()::text, 'POST /api/v1/catalog/orders',
    md5(random()::text), 201, '{"status": "placed"}', now(), 0);
INSERT INTO bench_feed_events (seq, product_id, op, payload, created_at)
  VALUES (nextval('bench_feed_seq'), (:'ORDER_IDS'::uuid[])[:n], 'upsert', :'PAYLOAD'::jsonb, now());
COMMIT;
