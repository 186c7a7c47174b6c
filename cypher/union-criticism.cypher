// name: union-criticism
// description: What unions criticise, directly or through the motions and reports they wrote or published
// params: union_id (id of one union; all when empty) = ''
// actors: union_id (union)
// order: union_id, target_id, through, evidence
MATCH (u:Organisation)-[r:CRITICISES]->(t)
WHERE u.kind = 'union' AND ($union_id = '' OR u.id = $union_id)
RETURN u.id AS union_id, u.name AS union_name, t.id AS target_id, t.name AS target, 'directly' AS through,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY union_id, target_id, through, evidence LIMIT $first
UNION ALL
MATCH (u:Organisation)-[:AUTHORED|PUBLISHED]->(rep:Report)-[r:CRITICISES]->(t)
WHERE u.kind = 'union' AND ($union_id = '' OR u.id = $union_id)
RETURN DISTINCT u.id AS union_id, u.name AS union_name, t.id AS target_id, t.name AS target, rep.name AS through,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY union_id, target_id, through, evidence LIMIT $first
// total
MATCH (u:Organisation)-[r:CRITICISES]->(t)
WHERE u.kind = 'union' AND ($union_id = '' OR u.id = $union_id)
RETURN count(*) AS n
UNION ALL
MATCH (u:Organisation)-[:AUTHORED|PUBLISHED]->(rep:Report)-[r:CRITICISES]->(t)
WHERE u.kind = 'union' AND ($union_id = '' OR u.id = $union_id)
WITH DISTINCT u.id AS union_id, u.name AS union_name, t.id AS target_id, t.name AS target, rep.name AS through,
     r.evidence AS evidence, r.source_ids AS sources
RETURN count(*) AS n
