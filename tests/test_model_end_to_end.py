"""A few relation cases end to end with the shipped HanLP NER model instead of their frozen spans.

These are the only rule tests that depend on the model: retraining it may change the spans it
tags and so make one of them fail although the rules are unchanged.  Then compare the model's
spans (printed on failure) with the case's frozen ones in tests/cases/relations.toml and decide
whether the model or the rules should change; the table itself (tests/test_relation_cases.py)
runs on the frozen spans and is not affected by a retrain."""

from __future__ import annotations

import pytest

from test_relation_cases import CASES, SpanTagger, check, run_case

# leads_action with resolution, holds_post chains, in_cluster in several scopes (and bare
# brands), Traditional script with a meeting report.
END_TO_END = ("bare_actions_led_by_agency_after_you",
              "department_name_not_cut_after_the_city",
              "cluster_enterprises_without_deng_qiye",
              "traditional_meeting_report_cluster_subjects_with_modal")


@pytest.mark.parametrize("case", [c for c in CASES if c["id"] in END_TO_END], ids=list(END_TO_END))
def test_case_with_the_model(case, tagger, lexicon):
    outcome = run_case(case, lexicon, tagger=tagger)
    failures = check(case, outcome)
    if failures:
        frozen = {(m.start, m.end, m.type, m.subtype) for m in SpanTagger(case["spans"]).tag(outcome.doc)}
        model = {(m.start, m.end, m.type, m.subtype) for m in tagger.tag(outcome.doc)}
        t = outcome.doc.text
        failures.append("model spans not frozen: " + repr([(t[s:e], ty, sub) for s, e, ty, sub in sorted(model - frozen)]))
        failures.append("frozen spans the model did not tag: "
                        + repr([(t[s:e], ty, sub) for s, e, ty, sub in sorted(frozen - model)]))
    assert not failures, "\n".join([case["about"], *failures])


def test_end_to_end_cases_exist():
    assert {c["id"] for c in CASES} >= set(END_TO_END)
