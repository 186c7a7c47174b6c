"""The model: the ontology (labels, kinds, relationship types, fields), record models, value rules, Arrow tables."""
