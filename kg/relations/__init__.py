"""Rule layer on top of the NER mentions: extra entities and the relations kg extracts.

``extract(doc, mentions, lexicon) -> DocResult`` adds the entity types the NER model does not
give (Project, Action, Cluster), strengthens Person / Organization / Post with grammar
(appositive post chains, bylines, organisation suffixes and abbreviations), and extracts

* ``holds_post(person, post, org)`` -- appositive chains ("市委副书记、市长贺海东"), bylines
  ("本报记者 阿柔娜"), "X的Y" forms and titles after a name ("习近平总书记");
* ``leads_action(agency, action)`` -- 牵头 statements and interview framing (the department
  whose head is interviewed leads the actions it says it carries out);
* ``in_cluster(member, cluster)`` -- projects (and the enterprises named in them) listed in a
  cluster's section ("全力推进…的新材料产业集群。建成投产A、B等项目…");
* ``part_of`` (organisation inside an organisation) and ``located_in`` (organisation or
  project whose name starts with a place).

All grammar words come from the lexicon (``kg/data/*.tsv``); this package only holds the
mechanics.  Offsets in mentions and evidence are analysis offsets into ``doc.text``.  Args
carry surface forms; :mod:`kg.resolve` turns them into canonical entities.

One extractor class, ``_Extractor``, built from one mixin per stage; ``run`` calls the stages
in this order (module: what it holds):

* :mod:`.base` -- shared character classes and constants, ``city_names``,
  ``place_extension``, ``_trim_mention``, the line-joined text view ``_View``, ``_Chain``, and
  ``ExtractorBase``: the state, the clean-up of the NER mentions (cut spans, agency verbs,
  city names, party prefixes), evidence / mention / fact helpers and the place tests;
* :mod:`.people` -- bylines, post chains (with the organisation a title carries over), titles
  after names, listed persons: Person mentions and ``holds_post``;
* :mod:`.orgs` -- organisation grammar (short forms, prefix+body+suffix, the organisation part
  of a chain element and its kind) and ``structure``: ``part_of`` / ``located_in``;
* :mod:`.actions` -- action names (patterns, quotes, bare names in 牵头 sentences) and
  ``leads_action`` (牵头 statements, co-leads, 分别, interview framing);
* :mod:`.projects` -- project lists, enterprise lists (A、B等企业), named projects, projects
  as a clause subject and the ``_brand*`` / ``_enterprises_in`` readers of the enterprise a
  project item names;
* :mod:`.clusters` -- cluster names, cluster sections (``in_cluster``) and text scoped to one
  cluster (``cluster_scopes``: clauses, topics, questions, anaphors) with its members;
* :mod:`.extractor` -- ``_Extractor`` itself: ``run`` (the stage order), ``collect_mentions``
  (NER + rule-found mentions) and ``extract``.

Beyond the sample genre, the grammar that carries leads_action / in_cluster (bare action
names in 牵头 sentences, 「」 quotes, cluster-scoped clauses and sentences, enterprise lists
and enterprises written in full inside a project name) lives in :mod:`.actions`,
:mod:`.projects` and :mod:`.clusters`.
"""

from __future__ import annotations

from .base import _trim_mention, city_names, place_extension
from .extractor import extract

__all__ = ["extract", "city_names", "place_extension", "_trim_mention"]
