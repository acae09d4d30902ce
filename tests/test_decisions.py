import pytest

from skin_core import decisions, knowledge
from skin_core.data import CLASSES

T = {"min_confidence": 0.5, "min_margin": 0.15, "ood": 0.6, "urgent": 0.2}


def probs(**kw):
    rest = (1 - sum(kw.values())) / (len(CLASSES) - len(kw))
    return {c: kw.get(c, rest) for c in CLASSES}


def test_confident_inflammatory_condition_is_ok_and_routine():
    d = decisions.decide(probs(psoriasis=0.9), 0.05, T)
    assert (d.status, d.label, d.urgency) == ("ok", "psoriasis", "routine")


def test_low_confidence_or_margin_is_uncertain_but_keeps_top1():
    d = decisions.decide(probs(psoriasis=0.45, eczema=0.4), 0.05, T)
    assert d.status == "uncertain" and d.label == "psoriasis"
    d = decisions.decide(probs(psoriasis=0.55, eczema=0.42), 0.05, T)
    assert d.status == "uncertain"
    assert d.urgency in ("soon", "urgent")  # an uncertain answer never reassures


def test_high_ood_score_is_out_of_scope_without_label():
    d = decisions.decide(probs(acne=0.95), 0.9, T)
    assert d.status == "out_of_scope" and d.label is None
    assert d.urgency != "routine"


def test_malignancy_mass_makes_urgent_even_when_not_top1():
    d = decisions.decide(probs(melanocytic_nevus=0.7, melanoma=0.15, basal_cell_carcinoma=0.1), 0.05, T)
    assert d.label == "melanocytic_nevus" and d.urgency == "urgent"
    d = decisions.decide(probs(melanocytic_nevus=0.9, melanoma=0.05), 0.05, T)
    assert d.urgency == "routine"


@pytest.mark.parametrize("cls,level", [("melanoma", "urgent"), ("basal_cell_carcinoma", "urgent"),
                                       ("actinic_keratosis", "soon"), ("acne", "routine")])
def test_base_urgency_comes_from_knowledge_base(cls, level):
    assert knowledge.base_urgency(cls) == level
    d = decisions.decide(probs(**{cls: 0.95}), 0.0, {**T, "urgent": 0.99})
    assert d.urgency == level


def test_no_result_is_ever_called_healthy():
    """No urgency level means "nothing to see": every answer is at least `routine` (see a doctor if it does not
    settle), anything unrecognised, unsure or refused at least `soon`, and no label reads as reassurance."""
    assert "healthy" not in decisions.URGENCIES and decisions.URGENCIES[0] == "routine"
    rank = knowledge.urgency_rank
    for c in CLASSES:
        for p1, ood in ((0.9, 0.0), (0.9, 0.99), (0.3, 0.0)):
            d = decisions.decide(probs(**{c: p1}), ood, T)
            assert d.status != "ok" or p1 == 0.9 and ood == 0.0, (c, p1, ood, d)
            if d.status != "ok":
                assert rank(d.urgency) >= rank("soon"), (c, d)
    for status in ("not_skin", "poor_quality", "error"):
        assert decisions.rejected(status, "x").urgency == "soon"
    for lang in ("en", "ko"):
        for level in decisions.URGENCIES:
            label = knowledge.urgency_label(level, lang).lower()
            assert not any(w in label for w in ("healthy", "normal", "nothing", "건강", "정상")), label


def test_top_k_sorted():
    top = decisions.top_k(probs(acne=0.5, tinea=0.3), 3)
    assert [c for c, _ in top[:2]] == ["acne", "tinea"] and len(top) == 3


def test_red_flags_only_raise_urgency():
    eczema = probs(eczema=0.9)
    assert decisions.decide(eczema, 0.0, T).urgency == "routine"
    # a rash that has not improved after two weeks of self-care: see a doctor soon (the memo's rule)
    assert decisions.decide(eczema, 0.0, T, red_flags=("not_improving",)).urgency == "soon"
    # rashes never enter the possible-cancer pathway through a red flag
    assert decisions.decide(eczema, 0.0, T, red_flags=("bleeding", "rapid_change")).urgency == "soon"
    # a mole that bleeds or changes: urgent, whatever the model says
    mole = probs(melanocytic_nevus=0.95)
    assert decisions.decide(mole, 0.0, T).urgency == "routine"
    assert decisions.decide(mole, 0.0, T, red_flags=("rapid_change",)).urgency == "urgent"
    melanoma = probs(melanoma=0.9)
    for flags in [(), ("not_improving", "pain")]:
        assert decisions.decide(melanoma, 0.0, T, red_flags=flags).urgency == "urgent"
    assert decisions.decide(melanoma, 0.0, T, red_flags=("fever",)).urgency == "same_day"  # only ever higher


def test_unknown_red_flag_is_refused():
    with pytest.raises(ValueError, match="unknown red flags"):
        decisions.decide(probs(acne=0.9), 0.0, T, red_flags=("itchy_feet",))


def test_a_poor_quality_photo_keeps_the_urgent_flag():
    """A blurry photo of a melanoma is still a melanoma: a high malignancy score must still say urgent."""
    assert decisions.rejected("poor_quality", "x", probs(melanoma=0.6), T).urgency == "urgent"
    assert decisions.rejected("poor_quality", "x", probs(acne=0.95), T).urgency == "soon"


def test_a_refused_photo_without_scores_is_soon_unless_a_red_flag_says_urgent():
    for status in ("not_skin", "error"):
        assert decisions.rejected(status, "x").urgency == "soon"
        assert decisions.rejected(status, "x", red_flags=("rapid_change",)).urgency == "urgent"
        assert decisions.rejected(status, "x", red_flags=("not_improving",)).urgency == "soon"


def test_urgency_for_matches_decide_on_every_branch():
    cases = [(probs(psoriasis=0.9), 0.05), (probs(psoriasis=0.45, eczema=0.4), 0.05), (probs(acne=0.95), 0.9),
             (probs(melanocytic_nevus=0.7, melanoma=0.15, basal_cell_carcinoma=0.1), 0.05)]
    for p, ood in cases:
        for flags in [(), ("not_improving",), ("rapid_change",)]:
            d = decisions.decide(p, ood, T, red_flags=flags)
            assert decisions.urgency_for(d.status, d.label, d.malignancy_score >= T["urgent"], flags) == d.urgency


def test_non_finite_scores_raise_instead_of_deciding():
    """NaN fails every comparison, so without a check it would read as a confident, routine answer."""
    probs = {c: 1 / len(CLASSES) for c in CLASSES}
    for bad in ({**probs, "melanoma": float("nan")}, {c: float("nan") for c in CLASSES}):
        with pytest.raises(ValueError, match="non-finite"):
            decisions.decide(bad, 0.1)
    with pytest.raises(ValueError, match="non-finite"):
        decisions.decide(probs, float("inf"))
    with pytest.raises(ValueError):
        decisions.decide({}, 0.1)


def test_fever_the_eye_or_a_painful_spreading_rash_need_care_the_same_day():
    """What the browser walk found: a feverish rash stayed "soon (within weeks)". Fever, the eye, or spreading with
    pain now raise any result to `same_day`; that is not the cancer pathway, so no cancer banner comes with it."""
    p = probs(eczema=0.9)
    for flags in (("fever",), ("eye",), ("pain", "spreading"), ("fever", "infant")):
        d = decisions.decide(p, 0.1, T, red_flags=flags)
        assert (d.status, d.urgency) == ("ok", "same_day"), flags
        assert not decisions.on_cancer_pathway(d.status, d.label, False, flags)
    for flags in (("spreading",), ("pain",), ("infant",), ("not_improving",)):  # alone: sooner, not today
        assert decisions.decide(p, 0.1, T, red_flags=flags).urgency == "soon", flags
    # a melanoma with a fever: care today, and still the cancer banner
    d = decisions.decide(probs(melanoma=0.9), 0.1, T, red_flags=("fever",))
    scores = decisions.crosses_urgent(d.malignancy_score, T)
    assert d.urgency == "same_day" and decisions.on_cancer_pathway(d.status, d.label, scores, ("fever",))
    assert decisions.on_cancer_pathway(d.status, d.label, False, ("fever",))  # the melanoma answer alone keeps it
    # a changing mole the model calls benign: urgent, on the pathway from the flag alone
    d = decisions.decide(probs(melanocytic_nevus=0.95), 0.1, T, red_flags=("rapid_change",))
    assert d.urgency == "urgent" and decisions.on_cancer_pathway(d.status, d.label, False, ("rapid_change",))
    assert knowledge.urgency_rank("same_day") > knowledge.urgency_rank("urgent")


def test_a_refused_photo_with_nan_scores_is_an_error_not_an_urgency():
    """`rejected` (a poor photo keeps its scores for the cancer flag) refuses NaN as `decide` does: a NaN would give
    a `soon` with a malignancy score of NaN, and invalid JSON."""
    bad = probs(melanoma=0.5)
    bad["melanoma"] = float("nan")
    with pytest.raises(ValueError, match="non-finite"):
        decisions.rejected("poor_quality", "x", bad, T)
    with pytest.raises(ValueError, match="non-finite"):
        decisions.decide(bad, 0.1, T)
    assert decisions.rejected("not_skin", "x", None, T).malignancy_score == 0.0
