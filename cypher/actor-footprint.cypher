// name: actor-footprint
// description: Everything an actor touched: every link in and out, with amounts, evidence and sources
// params: actor (id)
