"""Red flags and the batch path go through the same decisions as `analyze` (real default model, real photos)."""
import numpy as np
import pytest

from skin_core import data, knowledge, pipeline
from tests.app.helpers import CANCER, real_record
from tests.conftest import needs_data

pytestmark = [pytest.mark.slow, needs_data]


def _photos():
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"]
    by_label = {}
    for r in recs:
        by_label.setdefault(r.label, r)
    return [by_label[c] for c in ("eczema", "melanocytic_nevus", "psoriasis")] + [real_record(*CANCER)]


def test_batch_path_matches_the_single_photo_path():
    recs = _photos()
    singles = [pipeline.analyze(r.path().read_bytes(), segment=False, explain_heatmap=False) for r in recs]
    rgbs = [pipeline.images.load_image(r.path()) for r in recs]
    batch = pipeline.analyze_batch(rgbs)
    for s, b in zip(singles, batch):
        assert (s.status, s.label, s.urgency) == (b.status, b.label, b.urgency)
        np.testing.assert_allclose([s.probabilities[c] for c in s.classes], [b.probabilities[c] for c in b.classes],
                                   atol=1e-4)
        assert set(b.to_dict()) == set(pipeline.Analysis.json_keys())


def test_retriage_equals_a_fresh_analysis_with_the_same_flags():
    for r in _photos():
        raw = r.path().read_bytes()
        base = pipeline.analyze(raw, segment=False, explain_heatmap=False)
        assert pipeline.retriage(base, ()).urgency == base.urgency
        for flags in [("not_improving",), ("rapid_change", "bleeding"), ("fever",)]:
            fresh = pipeline.analyze(raw, segment=False, explain_heatmap=False, red_flags=flags)
            re = pipeline.retriage(base, flags)
            assert (re.urgency, re.cancer_banner, re.red_flags) == (fresh.urgency, fresh.cancer_banner,
                                                                    tuple(sorted(flags)))
            assert knowledge.urgency_rank(re.urgency) >= knowledge.urgency_rank(base.urgency)


def test_a_changing_mole_is_urgent_with_the_banner():
    """A mole the model calls routine (malignancy score 0.003) becomes urgent when it is changing; the banner says the
    user's answer is why, not that the result includes a cancer."""
    raw = real_record("melanocytic_nevus", 3).path().read_bytes()
    calm = pipeline.analyze(raw, segment=False, explain_heatmap=False)
    assert (calm.status, calm.label, calm.urgency, calm.cancer_banner) == ("ok", "melanocytic_nevus", "routine", None)
    a = pipeline.analyze(raw, segment=False, explain_heatmap=False, red_flags=["rapid_change"])
    assert a.urgency == "urgent" and a.cancer_banner == knowledge.cancer_banner("en", from_scores=False)
    assert a.cancer_banner["title"] != knowledge.cancer_banner("en")["title"]  # it does not claim the scores say so
    assert a.to_dict()["red_flags"] == ["rapid_change"]


def test_a_changing_mole_with_a_fever_gives_one_deadline_today():
    """Cancer pathway and same-day care together: the banner stays (tell the doctor about the spot) but its
    "within 2 weeks" gives way to today, so the page never shows two deadlines."""
    from skin_core.i18n import t

    raw = real_record("melanocytic_nevus", 3).path().read_bytes()
    for lang in ("en", "ko"):
        a = pipeline.analyze(raw, segment=False, explain_heatmap=False, red_flags=["rapid_change", "fever"], lang=lang)
        assert a.urgency == "same_day" and a.cancer_banner["title"] == t("banner.same_day_title.flags", lang)
        assert a.cancer_banner["body"].startswith(t("banner.same_day_body.flags", lang))
        assert {"en": "2 weeks", "ko": "2주"}[lang] not in a.cancer_banner["body"]  # one deadline, not two
        assert pipeline.retriage(pipeline.analyze(raw, segment=False, explain_heatmap=False, lang=lang),
                                 ["rapid_change", "fever"]).cancer_banner == a.cancer_banner


def test_same_day_banner_from_the_scores_keeps_the_score_and_drops_the_two_weeks():
    """A cancer score plus a fever: the banner still says what put it there, and gives only today as a deadline."""
    from skin_core import i18n

    for lang in ("en", "ko"):
        banner = pipeline._banner("out_of_scope", None, "same_day", ("fever",), lang, 0.9, scores=True)
        assert banner["title"] == i18n.t("banner.same_day_title.scores", lang)
        assert banner["body"].startswith(i18n.t("banner.scores_lead", lang, p="90.0%"))
        assert i18n.t("banner.same_day_body.scores", lang) in banner["body"]
        assert {"en": "2 weeks", "ko": "2주"}[lang] not in banner["body"]


def test_a_banner_over_an_answer_that_is_not_a_cancer_says_what_put_it_there():
    """'Not a known condition' under 'the result includes a possible skin cancer' needs the score that links them."""
    from skin_core import i18n, pipeline

    lead = i18n.t("banner.scores_lead", "en", p="40.0%")
    for status, label in (("out_of_scope", None), ("uncertain", "eczema"), ("ok", "melanocytic_nevus")):
        banner = pipeline._banner(status, label, "urgent", (), "en", 0.4, scores=True)
        assert banner["body"].startswith(lead), status
        assert knowledge.cancer_banner("en")["body"].split(".")[0] not in banner["body"]  # no "includes a cancer"
    for lang in ("en", "ko"):  # no answer on screen (a poor photo held back): the lead must not point to one
        held = pipeline._banner("poor_quality", None, "urgent", (), lang, 0.4, scores=True)
        assert held["body"].startswith(i18n.t("banner.poor_photo_lead", lang, p="40.0%"))
        assert "below says" not in held["body"] and "아래 답과" not in held["body"]
    plain = pipeline._banner("ok", "melanoma", "urgent", (), "en", 0.4, scores=True)
    assert plain == knowledge.cancer_banner("en")  # the answer itself is the cancer: nothing to explain
