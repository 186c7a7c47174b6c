// name: advisers-of-pilot
// description: Who advises or supports a pilot area, or was commissioned by it, directly or through a body or programme that leads, partners or is part of it; one row per tie
// params: pilot (id, name or alias of a pilot area)
// actors: pilot (pilot_area)
// order: adviser_id, tie, via, role, evidence
MATCH (a)-[r:ADVISES]->(p:Organisation {id: $pilot})
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'advises' AS tie, 'direct' AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (a)-[r:SUPPORTS]->(p:Organisation {id: $pilot})
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'supports' AS tie, 'direct' AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (a)-[r:ADVISES]->(b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
WITH DISTINCT a, r, b
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'advises' AS tie, b.name AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (a)-[r:SUPPORTS]->(b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
WITH DISTINCT a, r, b
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'supports' AS tie, b.name AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (p:Organisation {id: $pilot})-[:COMMISSIONED]->(c:Contract)-[r:AWARDED_TO]->(a)
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'commissioned' AS tie, 'direct' AS via, c.name AS role,
       r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
MATCH (b)-[:COMMISSIONED]->(c:Contract)-[r:AWARDED_TO]->(a)
WITH DISTINCT a, r, b, c
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'commissioned' AS tie, b.name AS via,
       c.name AS role, r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (p:Organisation {id: $pilot})-[:COMMISSIONED]->(rep:Report)<-[r:AUTHORED]-(a)
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'commissioned' AS tie, 'direct' AS via,
       rep.name AS role, r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
UNION ALL
MATCH (b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
WITH DISTINCT b
MATCH (b)-[:COMMISSIONED]->(rep:Report)
WITH DISTINCT b, rep
MATCH (rep)<-[r:AUTHORED]-(a)
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'commissioned' AS tie, b.name AS via,
       rep.name AS role, r.evidence AS evidence, r.source_ids AS sources
ORDER BY adviser_id, tie, via, role, evidence LIMIT $first
// total
MATCH (a)-[r:ADVISES]->(p:Organisation {id: $pilot})
RETURN count(*) AS n
UNION ALL
MATCH (a)-[r:SUPPORTS]->(p:Organisation {id: $pilot})
RETURN count(*) AS n
UNION ALL
MATCH (a)-[r:ADVISES]->(b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
WITH DISTINCT a, r, b
RETURN count(*) AS n
UNION ALL
MATCH (a)-[r:SUPPORTS]->(b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
WITH DISTINCT a, r, b
RETURN count(*) AS n
UNION ALL
MATCH (p:Organisation {id: $pilot})-[:COMMISSIONED]->(c:Contract)-[r:AWARDED_TO]->(a)
RETURN count(*) AS n
UNION ALL
MATCH (b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
MATCH (b)-[:COMMISSIONED]->(c:Contract)-[r:AWARDED_TO]->(a)
WITH DISTINCT a, r, b, c
RETURN count(*) AS n
UNION ALL
MATCH (p:Organisation {id: $pilot})-[:COMMISSIONED]->(rep:Report)<-[r:AUTHORED]-(a)
RETURN count(*) AS n
UNION ALL
MATCH (b)-[:LEADS|PARTICIPATES_IN|PART_OF]->(p:Organisation {id: $pilot})
WITH DISTINCT b
MATCH (b)-[:COMMISSIONED]->(rep:Report)
WITH DISTINCT b, rep
MATCH (rep)<-[r:AUTHORED]-(a)
RETURN count(*) AS n
