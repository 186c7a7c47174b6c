MATCH (a {id: $a})-[r]-(b {id: $b})
WITH r, string_split(r.source_ids, '\u001f') AS ids, string_split(r.quotes, '\u001f') AS quotes
UNWIND range(1, size(ids) - 1) AS i
MATCH (s:Source {id: ids[i]})
RETURN label(r) AS relation, s.id AS source_id, s.title AS title, s.url AS url, quotes[i] AS quote
ORDER BY relation, source_id
