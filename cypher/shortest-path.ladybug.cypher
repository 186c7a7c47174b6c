MATCH p = (x {id: $a})-[r* ALL SHORTEST 1..8]-(y {id: $b})
RETURN properties(nodes(p), 'id') AS ids, properties(nodes(p), 'name') AS names,
       properties(rels(p), '_LABEL') AS relations, length(p) AS hops
