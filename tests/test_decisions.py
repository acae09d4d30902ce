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
    assert decisions.base_urgency(cls) == level == knowledge.base_urgency(cls)
    d = decisions.decide(probs(**{cls: 0.95}), 0.0, {**T, "urgent": 0.99})
    assert d.urgency == level


def test_urgency_is_never_healthy():
    for c in CLASSES:
        assert decisions.decide(probs(**{c: 0.9}), 0.0, T).urgency in decisions.URGENCIES


def test_top_k_sorted():
    top = decisions.top_k(probs(acne=0.5, tinea=0.3), 3)
    assert [c for c, _ in top[:2]] == ["acne", "tinea"] and len(top) == 3
