// name: department-contracts
// description: Contracts commissioned by a department (or any buyer), with suppliers, values, VAT basis and sources
// params: buyer (id of the commissioning body) = dclg
// actors: buyer
MATCH (d {id: $buyer})-[:COMMISSIONED]->(c:Contract)
OPTIONAL MATCH (c)-[:AWARDED_TO]->(s)
RETURN c.id AS contract_id, c.name AS contract, c.kind AS kind, c.value_gbp AS value_gbp, c.vat AS vat,
       c.start_date AS start_date, collect(s.name) AS suppliers, c.evidence AS evidence, c.source_ids AS sources
ORDER BY contract_id
