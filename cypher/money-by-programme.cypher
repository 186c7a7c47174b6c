// name: money-by-programme
// description: Money tied to each programme: contracts that are part of it (their value, or each award's amount for a contract without one) and funding it received, kept apart by kind and VAT basis
// params:
// order: programme_id, money, total_gbp desc, vat
MATCH (c:Contract)-[:PART_OF]->(p:Programme)
OPTIONAL MATCH (c)-[a:AWARDED_TO]->()
WITH p, c, a, c.value_gbp IS NULL AS per_award
WITH DISTINCT p, c,
     CASE WHEN per_award THEN a.rid END AS award,
     CASE WHEN per_award THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN per_award THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat,
     CASE WHEN per_award THEN a.source_ids ELSE c.source_ids END AS cited
WHERE gbp IS NOT NULL
RETURN p.id AS programme_id, p.name AS programme, 'contract' AS money, vat,
       sum(gbp) AS total_gbp, count(c) AS items, collect(cited) AS sources
ORDER BY programme_id, money, total_gbp DESC, vat LIMIT $first
UNION ALL
MATCH (f)-[r:FUNDS]->(p:Programme)
WHERE r.amount_gbp IS NOT NULL
RETURN p.id AS programme_id, p.name AS programme, 'funding' AS money, coalesce(r.vat, 'unknown') AS vat,
       sum(r.amount_gbp) AS total_gbp, count(r) AS items, collect(r.source_ids) AS sources
ORDER BY programme_id, money, total_gbp DESC, vat LIMIT $first
// total
MATCH (c:Contract)-[:PART_OF]->(p:Programme)
OPTIONAL MATCH (c)-[a:AWARDED_TO]->()
WITH p, c, a, c.value_gbp IS NULL AS per_award
WITH p, CASE WHEN per_award THEN a.amount_gbp ELSE c.value_gbp END AS gbp,
     CASE WHEN per_award THEN coalesce(a.vat, c.vat, 'unknown') ELSE coalesce(c.vat, 'unknown') END AS vat
WHERE gbp IS NOT NULL
WITH DISTINCT p.id AS programme_id, vat
RETURN count(*) AS n
UNION ALL
MATCH (f)-[r:FUNDS]->(p:Programme)
WHERE r.amount_gbp IS NOT NULL
WITH DISTINCT p.id AS programme_id, coalesce(r.vat, 'unknown') AS vat
RETURN count(*) AS n
