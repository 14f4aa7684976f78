// Shortest connection between two people through the extracted facts (posts, organisations,
// part-of, actions, clusters, places; documents are not used as links), at most 8 steps.
// Parameters: $from, $to -- person names.
// Neo4j Browser:  :param from => '殷树刚'
//                 :param to => '伊德尔'
// Driver: session.run(text, **{"from": "殷树刚", "to": "伊德尔"})
MATCH (a:Person {name: $from}), (b:Person {name: $to})
MATCH path = shortestPath((a)-[:HOLDS|POST_IN|PART_OF|LEADS_ACTION|IN_CLUSTER|LOCATED_IN*..8]-(b))
RETURN length(path) AS hops,
       [n IN nodes(path) | n.name] AS names,
       [n IN nodes(path) | n.id] AS ids,
       [r IN relationships(path) | type(r)] AS relations
ORDER BY hops
LIMIT 1;
