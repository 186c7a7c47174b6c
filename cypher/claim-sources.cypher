// name: claim-sources
// description: The sources and verbatim quotes behind every link between two actors
// params: a (id); b (id)
