// name: weakly-sourced
// description: Claims (links) resting on no more than N sources: where to look for corroboration
// params: max_sources (report claims with at most this many sources) = 1
// order: what, from_id, to_id
