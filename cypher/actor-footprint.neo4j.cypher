MATCH (n {id: $actor})-[r]-(m)
RETURN CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, type(r) AS relation,
       m.id AS other_id, m.name AS other, labels(m)[0] AS other_label, r.amount_gbp AS amount_gbp,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY relation, other_id
