// name: who-profits
// description: Money received per supplier: contract values (or, for a contract without one, each award's amount) and payments kept apart, VAT basis kept apart, framework ceilings apart; with the contracts and the sources behind each figure
// params: supplier (id of one supplier; all when empty) = ''
MATCH (c:Contract)-[a:AWARDED_TO]->(s)
WHERE $supplier = '' OR s.id = $supplier
WITH s, c, a, c.value_gbp IS NULL AS per_award
WITH DISTINCT s, c,
     CASE WHEN per_award THEN a.rid END AS award,
     CASE WHEN c.kind IN ['framework_agreement', 'dynamic_purchasing_system']
          THEN 'framework_ceiling' ELSE 'contract' END AS money,
     CASE WHEN per_award THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN per_award THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat,
     CASE WHEN per_award THEN a.source_ids ELSE c.source_ids END AS cited
WHERE gbp IS NOT NULL
RETURN s.id AS supplier_id, s.name AS supplier, money, vat,
       sum(gbp) AS total_gbp, count(c) AS items, collect(c.id) AS what, collect(cited) AS sources
UNION ALL
MATCH (p)-[r:PAID]->(s)
WHERE r.amount_gbp IS NOT NULL AND ($supplier = '' OR s.id = $supplier)
RETURN s.id AS supplier_id, s.name AS supplier, 'payment' AS money, coalesce(r.vat, 'unknown') AS vat,
       sum(r.amount_gbp) AS total_gbp, count(r) AS items, collect(p.id) AS what, collect(r.source_ids) AS sources
