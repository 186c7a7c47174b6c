MATCH (a)-[r]->(b)
WHERE r.source_ids IS NOT NULL AND size(r.source_ids) <= $max_sources
RETURN 'relationship' AS claim, type(r) AS what, a.id AS from_id, b.id AS to_id, r.evidence AS evidence,
       size(r.source_ids) AS n_sources, r.source_ids AS sources
ORDER BY what, from_id, to_id LIMIT $first
// total
MATCH (a)-[r]->(b)
WHERE r.source_ids IS NOT NULL AND size(r.source_ids) <= $max_sources
RETURN count(*) AS n
