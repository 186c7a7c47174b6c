// name: who-profits
// description: Money received per supplier: contract values and payments kept apart, VAT basis kept apart, framework ceilings apart; with the contracts and the sources behind each figure
// params: supplier (id of one supplier; all when empty) = ''
MATCH (c:Contract)-[:AWARDED_TO]->(s)
WHERE c.value_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
  AND NOT c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
RETURN s.id AS supplier_id, s.name AS supplier, 'contract' AS money, coalesce(c.vat, 'unknown') AS vat,
       sum(c.value_gbp) AS total_gbp, count(c) AS items, collect(c.id) AS what, collect(c.source_ids) AS sources
UNION ALL
MATCH (p)-[r:PAID]->(s)
WHERE r.amount_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
RETURN s.id AS supplier_id, s.name AS supplier, 'payment' AS money, coalesce(r.vat, 'unknown') AS vat,
       sum(r.amount_gbp) AS total_gbp, count(r) AS items, collect(p.id) AS what, collect(r.source_ids) AS sources
UNION ALL
MATCH (c:Contract)-[:AWARDED_TO]->(s)
WHERE c.value_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
  AND c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
RETURN s.id AS supplier_id, s.name AS supplier, 'framework_ceiling' AS money, coalesce(c.vat, 'unknown') AS vat,
       sum(c.value_gbp) AS total_gbp, count(c) AS items, collect(c.id) AS what, collect(c.source_ids) AS sources
