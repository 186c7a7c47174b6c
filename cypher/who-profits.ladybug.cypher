MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE ($supplier = '' OR s.id = $supplier) AND NOT c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
WITH s.id AS sid, c, a, c.value_gbp IS NULL AS per_award
WITH DISTINCT sid, c.id AS contract,
     CASE WHEN per_award THEN ID(a) END AS award,
     CASE WHEN per_award THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN per_award THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat
WHERE gbp IS NOT NULL
WITH sid, vat, sum(gbp) AS total_gbp, count(contract) AS items
ORDER BY total_gbp DESC, sid, vat LIMIT $first
MATCH (s) WHERE s.id = sid
WITH s, vat, total_gbp, items
MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE NOT c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
HINT s JOIN (a JOIN c)
WITH s, vat AS wanted, total_gbp, items, c, a, c.value_gbp IS NULL AS per_award
WITH DISTINCT s, wanted, total_gbp, items, c.id AS contract,
     CASE WHEN per_award THEN ID(a) END AS award,
     CASE WHEN per_award THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN per_award THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat,
     CASE WHEN per_award THEN a.source_ids ELSE c.source_ids END AS cited
WHERE gbp IS NOT NULL AND vat = wanted
RETURN s.id AS supplier_id, s.name AS supplier, 'contract' AS money, vat,
       total_gbp, CAST(NULL AS DOUBLE) AS ceiling_gbp, CAST(NULL AS INT64) AS shared_by,
       items, collect(contract) AS what, collect(cited) AS sources
UNION ALL
MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE ($supplier = '' OR s.id = $supplier) AND c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
  AND coalesce(c.value_gbp, a.amount_gbp) IS NOT NULL
WITH s, c, max(a.amount_gbp) AS largest_award
WITH s, c, coalesce(c.value_gbp, largest_award) AS ceiling_gbp, coalesce(c.vat, 'unknown') AS vat
ORDER BY ceiling_gbp DESC, s.id, vat LIMIT $first
MATCH (c)-[:AWARDED_TO]->(other)
WITH s, c, ceiling_gbp, vat, count(DISTINCT other) AS shared
RETURN s.id AS supplier_id, s.name AS supplier, 'framework_ceiling' AS money, vat,
       CAST(NULL AS DOUBLE) AS total_gbp, ceiling_gbp, shared AS shared_by,
       1 AS items, [c.id] AS what, [c.source_ids] AS sources
UNION ALL
MATCH ()-[r:PAID]->(s)
WHERE r.amount_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
WITH s.id AS sid, coalesce(r.vat, 'unknown') AS vat, sum(r.amount_gbp) AS total_gbp, count(r) AS items
ORDER BY total_gbp DESC, sid, vat LIMIT $first
MATCH (s) WHERE s.id = sid
WITH s, vat, total_gbp, items
MATCH (p)-[r:PAID]->(s)
WHERE r.amount_gbp IS NOT NULL AND coalesce(r.vat, 'unknown') = vat
HINT s JOIN (r JOIN p)
RETURN s.id AS supplier_id, s.name AS supplier, 'payment' AS money, vat,
       total_gbp, CAST(NULL AS DOUBLE) AS ceiling_gbp, CAST(NULL AS INT64) AS shared_by,
       items, collect(p.id) AS what, collect(r.source_ids) AS sources
// total
MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE ($supplier = '' OR s.id = $supplier) AND NOT c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
WITH s.id AS supplier_id, CASE WHEN c.value_gbp IS NULL THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN c.value_gbp IS NULL THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat
WHERE gbp IS NOT NULL
WITH DISTINCT supplier_id, vat
RETURN count(*) AS n
UNION ALL
MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE ($supplier = '' OR s.id = $supplier) AND c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
  AND coalesce(c.value_gbp, a.amount_gbp) IS NOT NULL
WITH DISTINCT s.id AS supplier_id, c.id AS contract
RETURN count(*) AS n
UNION ALL
MATCH (p)-[r:PAID]->(s)
WHERE r.amount_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
WITH DISTINCT s.id AS supplier_id, coalesce(r.vat, 'unknown') AS vat
RETURN count(*) AS n
