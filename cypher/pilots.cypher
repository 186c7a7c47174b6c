// name: pilots
// description: The pilot areas with the bodies that lead them and the sources
// params:
MATCH (p:Organisation)
WHERE p.kind = 'pilot_area'
OPTIONAL MATCH (lead)-[:LEADS]->(p)
RETURN p.id AS pilot_id, p.name AS pilot, collect(DISTINCT lead.name) AS led_by, p.source_ids AS sources
ORDER BY pilot_id
