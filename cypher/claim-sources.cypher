// name: claim-sources
// description: The sources and verbatim quotes behind every link between two actors
// params: a (id); b (id)
// actors: a, b
// order: relation, source_id
