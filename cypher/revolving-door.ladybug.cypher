MATCH (p:Person)-[:EMPLOYED_BY|DIRECTOR_OF|MEMBER_OF|LEADS|ADVISES]->(o:Organisation)
WITH p, count(DISTINCT o) AS orgs
WHERE orgs >= $min_orgs
WITH p, orgs ORDER BY p.id LIMIT $first
MATCH (p)-[r:EMPLOYED_BY|DIRECTOR_OF|MEMBER_OF|LEADS|ADVISES]->(o:Organisation)
RETURN p.id AS person_id, p.name AS person, orgs, label(r) AS relation, o.name AS organisation, o.kind AS kind,
       r.role AS role, r.start_date AS start_date, r.end_date AS end_date, r.source_ids AS sources
ORDER BY person_id, start_date, organisation, relation, role LIMIT $first
// total
MATCH (p:Person)-[r:EMPLOYED_BY|DIRECTOR_OF|MEMBER_OF|LEADS|ADVISES]->(o:Organisation)
WITH p.id AS person_id, count(DISTINCT o.id) AS orgs, count(r) AS links
WHERE orgs >= $min_orgs
RETURN sum(links) AS n
