// name: shortest-path
// description: The shortest chains between two actors, with the relationship types along the way
// params: a (id); b (id)
// actors: a, b
// order: hops
