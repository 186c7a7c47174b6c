// name: reports
// description: Reports, articles and motions with their authors, publishers and commissioners
// params: kind (report kind, e.g. motion; all when empty) = ''
MATCH (r:Report)
WHERE $kind = '' OR r.kind = $kind
WITH r ORDER BY r.date, r.id LIMIT $first
OPTIONAL MATCH (a)-[:AUTHORED]->(r)
WITH r, collect(DISTINCT a.name) AS authors
OPTIONAL MATCH (p)-[:PUBLISHED]->(r)
WITH r, authors, collect(DISTINCT p.name) AS publishers
OPTIONAL MATCH (c)-[:COMMISSIONED]->(r)
WITH r, authors, publishers, collect(DISTINCT c.name) AS commissioners
RETURN r.id AS report_id, r.name AS report, r.kind AS kind, r.date AS date,
       authors, publishers, commissioners, r.source_ids AS sources
ORDER BY date, report_id LIMIT $first
// total
MATCH (r:Report)
WHERE $kind = '' OR r.kind = $kind
RETURN count(r) AS n
