MATCH (a {id: $a})-[r]-(b {id: $b})
UNWIND range(0, size(r.source_ids) - 1) AS i
MATCH (s:Source {id: r.source_ids[i]})
RETURN type(r) AS relation, s.id AS source_id, s.title AS title, s.url AS url, r.quotes[i] AS quote
ORDER BY relation, source_id
