// Members (enterprises and projects) of an industrial cluster.
// Parameters: $cluster -- the cluster's name or alias (e.g. '绿色农畜产品加工产业集群').
// Neo4j Browser:  :param cluster => '绿色农畜产品加工产业集群'
// Driver: session.run(text, cluster="绿色农畜产品加工产业集群")
MATCH (m:Entity)-[r:IN_CLUSTER]->(c:Cluster)
WHERE c.name = $cluster OR $cluster IN c.aliases
RETURN c.name AS cluster, m.name AS member,
       CASE WHEN m:Project THEN 'Project' ELSE 'Organization' END AS kind,
       r.confidence AS confidence, r.fact_ids AS fact_ids
ORDER BY kind, member;
