// name: multi-pilot-actors
// description: Actors linked to two pilot areas or more (consultancies, advisers, bodies that span pilots)
// params: min_pilots = 2
MATCH (a)-[]-(p:Organisation)
WHERE p.kind = 'pilot_area' AND (a.kind IS NULL OR a.kind <> 'pilot_area')
WITH DISTINCT a, p
WITH a, count(*) AS pilots, collect(p.name) AS pilot_areas
WHERE pilots >= $min_pilots
RETURN a.id AS actor_id, a.name AS actor, a.kind AS kind, pilots, pilot_areas
ORDER BY pilots DESC, actor_id
