// Who holds which post where.
// Parameters: $org -- organisation name or alias; null lists every organisation.
// Neo4j Browser: set the parameter first, then run this file:
//   :param org => '呼和浩特市发展和改革委员会'
//   :param org => null
// Driver: session.run(text, org="呼和浩特市发展和改革委员会")
MATCH (p:Person)-[h:HOLDS]->(t:Post)-[:POST_IN]->(o:Organization)
WHERE $org IS NULL OR o.name = $org OR $org IN o.aliases
RETURN o.name AS organization, t.name AS post, p.name AS person,
       h.confidence AS confidence, size(h.fact_ids) AS evidence, h.fact_ids AS fact_ids
ORDER BY organization, post, person;
