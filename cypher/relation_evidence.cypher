// The evidence of a fact between two named things, e.g. a person and the post he holds, or an
// organisation and the action it leads: one row per supporting sentence.
// Parameters: $subject, $object -- names (or aliases); for a post the object is its title and
//             `post_of` shows the organisation.
// Neo4j Browser:  :param subject => '殷树刚'
//                 :param object => '主任'
// Driver: session.run(text, subject="殷树刚", object="主任")
MATCH (a:Entity)-[r]->(b:Entity)
WHERE (a.name = $subject OR $subject IN a.aliases) AND (b.name = $object OR $object IN b.aliases)
OPTIONAL MATCH (b)-[:POST_IN]->(o:Organization)
UNWIND range(0, size(r.fact_ids) - 1) AS i
RETURN type(r) AS relation, a.name AS subject, b.name AS object, o.name AS post_of,
       r.fact_ids[i] AS fact_id, r.evidence_docs[i] AS document,
       r.evidence_sentences[i] AS sentence,
       r.evidence_orig_starts[i] AS orig_start, r.evidence_orig_ends[i] AS orig_end,
       r.extractors[i] AS extractor
ORDER BY relation, post_of, document, orig_start;
