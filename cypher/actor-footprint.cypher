// name: actor-footprint
// description: Everything an actor touched: every link in and out, with amounts, evidence and sources
// params: actor (id)
// actors: actor
// order: direction desc, relation, other_id
