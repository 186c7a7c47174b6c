MATCH p = allShortestPaths((x {id: $a})-[*..8]-(y {id: $b}))
RETURN [n IN nodes(p) | n.id] AS ids, [n IN nodes(p) | n.name] AS names,
       [r IN relationships(p) | type(r)] AS relations, length(p) AS hops
