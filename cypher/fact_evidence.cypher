// The evidence of a fact: every sentence that supports it, with its document and offsets
// (start/end: analysis text; orig_start/orig_end: the original file, -1 = unknown).
// Parameters: $fact_id -- a fact id as in out/facts.jsonl, the RDF, or the fact_ids column
//             of the other queries.
// Neo4j Browser:  :param fact_id => 'fact-0123456789abcdef'
// Driver: session.run(text, fact_id="fact-0123456789abcdef")
MATCH (a)-[r]->(b)
WHERE $fact_id IN r.fact_ids
UNWIND range(0, size(r.fact_ids) - 1) AS i
WITH a, r, b, i
WHERE r.fact_ids[i] = $fact_id
RETURN type(r) AS relation, a.name AS subject, b.name AS object,
       r.evidence_docs[i] AS document, r.evidence_sentence_indexes[i] AS sentence_index,
       r.evidence_sentences[i] AS sentence,
       r.evidence_starts[i] AS start, r.evidence_ends[i] AS end,
       r.evidence_orig_starts[i] AS orig_start, r.evidence_orig_ends[i] AS orig_end,
       r.extractors[i] AS extractor, r.evidence_confidences[i] AS confidence
ORDER BY relation, subject, object;
