MATCH (n {id: $actor})-[r]->(m)
RETURN 'out' AS direction, label(r) AS relation, m.id AS other_id, m.name AS other, labels(m) AS other_label,
       r.amount_gbp AS amount_gbp, r.evidence AS evidence, r.source_ids AS sources
ORDER BY relation, other_id
UNION ALL
MATCH (n {id: $actor})<-[r]-(m)
RETURN 'in' AS direction, label(r) AS relation, m.id AS other_id, m.name AS other, labels(m) AS other_label,
       r.amount_gbp AS amount_gbp, r.evidence AS evidence, r.source_ids AS sources
ORDER BY relation, other_id
