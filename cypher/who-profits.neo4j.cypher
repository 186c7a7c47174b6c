MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE ($supplier = '' OR s.id = $supplier) AND NOT c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
WITH s, c, a, c.value_gbp IS NULL AS per_award
WITH DISTINCT s, c,
     CASE WHEN per_award THEN a.rid END AS award,
     CASE WHEN per_award THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN per_award THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat,
     CASE WHEN per_award THEN a.source_ids ELSE c.source_ids END AS cited
WHERE gbp IS NOT NULL
RETURN s.id AS supplier_id, s.name AS supplier, 'contract' AS money, vat,
       sum(gbp) AS total_gbp, null AS ceiling_gbp, null AS shared_by,
       count(c) AS items, collect(c.id) AS what, collect(cited) AS sources
UNION ALL
MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE ($supplier = '' OR s.id = $supplier) AND c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
  AND coalesce(c.value_gbp, a.amount_gbp) IS NOT NULL
MATCH (c)-[:AWARDED_TO]->(other)
WITH s, c, max(a.amount_gbp) AS largest_award, count(DISTINCT other) AS shared
RETURN s.id AS supplier_id, s.name AS supplier, 'framework_ceiling' AS money, coalesce(c.vat, 'unknown') AS vat,
       null AS total_gbp, coalesce(c.value_gbp, largest_award) AS ceiling_gbp, shared AS shared_by,
       1 AS items, [c.id] AS what, [c.source_ids] AS sources
UNION ALL
MATCH (p)-[r:PAID]->(s)
WHERE r.amount_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
RETURN s.id AS supplier_id, s.name AS supplier, 'payment' AS money, coalesce(r.vat, 'unknown') AS vat,
       sum(r.amount_gbp) AS total_gbp, null AS ceiling_gbp, null AS shared_by,
       count(r) AS items, collect(p.id) AS what, collect(r.source_ids) AS sources
