// Who leads (牵头) an action.
// Parameters: $action -- the action's name, or part of it (e.g. '助企行动'); null lists all.
// Neo4j Browser:  :param action => '助企行动'
// Driver: session.run(text, action="助企行动")
MATCH (o:Organization)-[r:LEADS_ACTION]->(a:Action)
WHERE $action IS NULL OR a.name CONTAINS $action OR $action IN a.aliases
RETURN a.name AS action, o.name AS organization, o.subtype AS subtype,
       r.confidence AS confidence, r.fact_ids AS fact_ids
ORDER BY action, organization;
