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

A pipeline of stages over one typed document state (:class:`.state.DocState`): each stage is a
plain function ``f(st)`` declared with :func:`.registry.stage` together with the state fields it
``requires`` and ``assigns``; :data:`.stages.PIPELINE` gives the order, which importing
:mod:`.stages` checks (``kg.relations.stages.describe()`` prints it).  Every span inside the
state is a view offset (:func:`.state.to_doc` / :func:`.state.to_view` cross the edge).
Modules (stages in brackets):

* :mod:`.state` -- ``DocState``, the offset maps, evidence / mention / fact helpers;
* :mod:`.registry`, :mod:`.stages` -- the declarations, the order and ``extract``;
* :mod:`.cleanup` (``prepare``) -- the view, the model mentions cleaned up, place names;
* :mod:`.people` (``bylines``, ``titles_after_names``, ``listed_persons``) and :mod:`.posts`
  (``post_chains``) -- Person mentions and ``holds_post``;
* :mod:`.orgs` (``org_grammar``, ``nested_orgs``, ``structure``) -- organisation grammar,
  ``part_of`` / ``located_in``;
* :mod:`.actions` (``actions_grammar``, ``actions_bare``) and :mod:`.leads` (``leads``) --
  action names and ``leads_action``;
* :mod:`.projects` (``project_lists``, ``projects_before_verb``, ``enterprise_lists``,
  ``written_heads``, ``named_projects``, ``subject_projects``) -- projects and enterprises;
* :mod:`.clusters` (``clusters_grammar``), :mod:`.cluster_sections` (``in_cluster``),
  :mod:`.cluster_scopes` (``cluster_scopes``) -- cluster names and ``in_cluster``;
* :mod:`.mentions` (``collect_mentions``, ``unique_facts``) -- the output;
* helpers without stages: :mod:`.places`, :mod:`.names`, :mod:`.items` (what a list item
  names), :mod:`.cluster_members`; :mod:`.base` -- state-free text mechanics (constants,
  ``_View``, ``city_names``, ``place_extension``, ``_trim_mention``).

Beyond the sample genre, the grammar that carries leads_action / in_cluster (bare action
names in 牵头 sentences, 「」 quotes, cluster-scoped clauses and sentences, enterprise lists
and enterprises written in full inside a project name) lives in :mod:`.actions`,
:mod:`.projects`, :mod:`.items` and the cluster modules.
"""

from __future__ import annotations

from .base import _trim_mention, city_names, place_extension
from .stages import extract

__all__ = ["extract", "city_names", "place_extension", "_trim_mention"]
