// name: common-neighbours
// description: Actors directly linked to both of two actors
// params: a (id); b (id)
// actors: a, b
MATCH (x {id: $a})-[]-(m)-[]-(y {id: $b})
WHERE m.id <> $a AND m.id <> $b
RETURN DISTINCT m.id AS id, m.name AS name, m.kind AS kind
ORDER BY id
