// name: money-by-programme
// description: Money tied to each programme: contracts that are part of it and funding it received, kept apart by kind and VAT basis
// params:
MATCH (c:Contract)-[:PART_OF]->(p:Programme)
WHERE c.value_gbp IS NOT NULL
RETURN p.id AS programme_id, p.name AS programme, 'contract' AS money, coalesce(c.vat, 'unknown') AS vat,
       sum(c.value_gbp) AS total_gbp, count(c) AS items, collect(c.source_ids) AS sources
UNION ALL
MATCH (f)-[r:FUNDS]->(p:Programme)
WHERE r.amount_gbp IS NOT NULL
RETURN p.id AS programme_id, p.name AS programme, 'funding' AS money, coalesce(r.vat, 'unknown') AS vat,
       sum(r.amount_gbp) AS total_gbp, count(r) AS items, collect(r.source_ids) AS sources
