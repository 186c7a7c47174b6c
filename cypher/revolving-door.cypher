// name: revolving-door
// description: People with roles in several organisations, and their roles over time
// params: min_orgs (people linked to at least this many organisations) = 1
// order: person_id, start_date, organisation, relation, role
