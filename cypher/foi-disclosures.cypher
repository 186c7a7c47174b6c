// name: foi-disclosures
// description: FOI requests: who asked whom, their status, and what they disclosed
// params:
MATCH (f:FOIRequest)
OPTIONAL MATCH (who)-[:REQUESTED]->(f)
WITH f, collect(DISTINCT who.name) AS requested_by
OPTIONAL MATCH (f)-[:ADDRESSED_TO]->(body)
WITH f, requested_by, collect(DISTINCT body.name) AS addressed_to
OPTIONAL MATCH (f)-[:DISCLOSED]->(x)
WITH f, requested_by, addressed_to, collect(DISTINCT x.name) AS disclosed
RETURN f.id AS request_id, f.name AS request, f.status AS status, f.date AS date, f.url AS url,
       requested_by, addressed_to, disclosed, f.source_ids AS sources
ORDER BY request_id
