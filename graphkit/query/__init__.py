"""Questions asked of a store: the named queries shipped in `cypher/`, and one actor's view (`graphkit show`)."""
