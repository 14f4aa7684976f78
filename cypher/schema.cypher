// kg Neo4j schema: run before loading (kg's loader runs exactly these statements, read from
// this file).  Every statement is idempotent (IF NOT EXISTS).  Paste into Neo4j Browser as is,
// or: cypher-shell -f cypher/schema.cypher
//
// One uniqueness constraint on `id` per label kg writes (id = the stable ids of kg/model.py,
// the same as the RDF IRIs' local names).  :Entity is the common label of every entity node.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT post_id IF NOT EXISTS FOR (n:Post) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT place_id IF NOT EXISTS FOR (n:Place) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT action_id IF NOT EXISTS FOR (n:Action) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cluster_id IF NOT EXISTS FOR (n:Cluster) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE;

// Look-ups by name (the competency queries in cypher/ start from a name).
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
CREATE INDEX post_name IF NOT EXISTS FOR (n:Post) ON (n.name);
CREATE INDEX organization_name IF NOT EXISTS FOR (n:Organization) ON (n.name);
CREATE INDEX action_name IF NOT EXISTS FOR (n:Action) ON (n.name);
CREATE INDEX cluster_name IF NOT EXISTS FOR (n:Cluster) ON (n.name);
