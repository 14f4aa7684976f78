// All posts of a person (with the organisation and the documents that say so).
// Parameters: $person -- person name or alias.
// Neo4j Browser:  :param person => '殷树刚'
// Driver: session.run(text, person="殷树刚")
MATCH (p:Person)-[h:HOLDS]->(t:Post)
WHERE p.name = $person OR $person IN p.aliases
OPTIONAL MATCH (t)-[:POST_IN]->(o:Organization)
RETURN p.name AS person, t.name AS post, o.name AS organization,
       h.confidence AS confidence, h.evidence_docs AS documents, h.fact_ids AS fact_ids
ORDER BY organization, post;
