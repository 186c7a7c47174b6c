// by_type: r
MATCH (a)-[r]->(b)
WITH a, r, b, size(r.source_ids) - size(replace(r.source_ids, '\u001f', '')) AS n_sources
WHERE n_sources >= 1 AND n_sources <= $max_sources
RETURN 'relationship' AS claim, label(r) AS what, a.id AS from_id, b.id AS to_id, r.evidence AS evidence,
       n_sources, r.source_ids AS sources
ORDER BY what, from_id, to_id LIMIT $first
// total
MATCH ()-[r]->()
WITH size(r.source_ids) - size(replace(r.source_ids, '\u001f', '')) AS n_sources
WHERE n_sources >= 1 AND n_sources <= $max_sources
RETURN count(*) AS n
