// name: advisers-of-pilot
// description: Who advises or supports a pilot area, directly or through the body that leads it
// params: pilot (id of a pilot area)
MATCH (a)-[r:ADVISES|SUPPORTS]->(p:Organisation {id: $pilot})
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, 'direct' AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
UNION ALL
MATCH (a)-[r:ADVISES|SUPPORTS]->(lead)-[:LEADS]->(p:Organisation {id: $pilot})
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, lead.name AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
UNION ALL
MATCH (a)-[r:ADVISES|SUPPORTS]->(prog:Programme)<-[:PARTICIPATES_IN]-(p:Organisation {id: $pilot})
RETURN a.id AS adviser_id, a.name AS adviser, a.kind AS kind, prog.name AS via, r.role AS role,
       r.evidence AS evidence, r.source_ids AS sources
