// name: who-profits
// description: Money received per supplier: contract values (or, for a contract without one, each award's amount) and payments, VAT basis kept apart, with the contracts and the sources behind each figure. A framework or dynamic purchasing system is no money received: its ceiling stands in its own column (ceiling_gbp), one row per framework, with the number of suppliers sharing it (shared_by); total_gbp is empty there
// params: supplier (id, name or alias of one supplier; all when empty) = ''
// actors: supplier
// order: total_gbp desc, ceiling_gbp desc, supplier_id, money, vat
