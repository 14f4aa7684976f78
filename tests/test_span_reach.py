"""kg.model.SpanReach: its bisection tests agree with the definitions they stand for."""

from __future__ import annotations

import random

from kg.model import SpanReach


def test_span_reach_matches_a_scan_of_every_span():
    rng = random.Random(7)
    for _ in range(200):
        spans = []
        for _ in range(rng.randint(0, 8)):
            a = rng.randint(0, 30)
            spans.append((a, a + rng.randint(1, 10)))
        reach = SpanReach(spans)
        for s in range(0, 40):
            for e in range(s + 1, s + 12):
                assert reach.overlaps(s, e) == any(a < e and s < b for a, b in spans)
                assert reach.contains(s, e) == any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans)
                # crosses: overlapping [s, e) without lying inside it ([s, e) itself lies inside)
                assert reach.crosses(s, e) == any(a < e and s < b and not (s <= a and b <= e) for a, b in spans)
