"""Card metrics: bootstrap intervals around every headline test number, on constructed predictions."""
import numpy as np
import pytest

from skin_core import evaluation, metrics
from skin_core.data import CLASSES, OTHER

HEADLINE = ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy", "melanoma_recall",
            "malignant_urgent_rate", "ood_auroc", "fitzpatrick_skin_group_gap")


def test_interval_holds_the_estimate_and_narrows_with_more_photos():
    rng = np.random.default_rng(0)
    small, large = rng.random(100) < 0.7, rng.random(4000) < 0.7
    lo_s, hi_s = metrics.bootstrap_ci95(metrics.hit_rate, small)
    lo_l, hi_l = metrics.bootstrap_ci95(metrics.hit_rate, large)
    assert lo_s <= small.mean() <= hi_s and lo_l <= large.mean() <= hi_l
    assert (hi_l - lo_l) < (hi_s - lo_s) / 3  # width shrinks like 1/sqrt(n)
    assert metrics.bootstrap_ci95(metrics.hit_rate, small) == [lo_s, hi_s]  # seeded: the card never jitters
    assert metrics.bootstrap_ci95(metrics.hit_rate, small[:1]) is None


def _split(n: int, rng):
    """Logits that put the true class first about 70 % of the time, with sources and skin types."""
    labels = list(rng.choice(list(CLASSES) + [OTHER], n))
    y = evaluation.label_index(labels)
    logits = rng.normal(0, 1, (n, len(CLASSES) + 1))
    right = rng.random(n) < 0.7
    logits[np.arange(n)[right], y[right]] += 4
    sources = list(rng.choice(["dermnet-11", "fitzpatrick"], n))
    skin = [int(rng.integers(1, 7)) if s == "fitzpatrick" else -1 for s in sources]
    return logits, labels, sources, skin


def test_card_metrics_carry_an_interval_for_every_headline_number():
    rng = np.random.default_rng(1)
    val, test = _split(600, rng), _split(600, rng)
    m = evaluation.card_metrics(*test, evaluation.fit_decisions(val[0], val[1]))
    point = {**{k: m[k] for k in HEADLINE if k != "ood_auroc"}, "ood_auroc": m["ood"]["auroc"]}
    for key in HEADLINE:
        lo, hi = m["ci95"][key]
        assert lo <= point[key] + 1e-9 and point[key] - 1e-9 <= hi, key
        assert hi > lo, f"{key}: a degenerate interval on 600 noisy photos"


def test_condition_probabilities_get_their_own_temperature_fitted_on_known_class_photos():
    """The 11 probabilities the user sees are calibrated on the known-class val photos; ood_score keeps its own T."""
    rng = np.random.default_rng(3)
    n = 4000
    z = rng.normal(0, 1.5, (n, len(CLASSES)))
    p_true = metrics.softmax(z)
    is_other = rng.random(n) < 0.3
    y = np.where(is_other, len(CLASSES), [rng.choice(len(CLASSES), p=p) for p in p_true])
    labels = [OTHER if i == len(CLASSES) else CLASSES[i] for i in y]
    # condition logits three times overconfident; the "other" logit cleanly separates other photos (needs T < 3)
    logits = np.c_[3.0 * z, np.where(is_other, 8.0, -8.0) + rng.normal(0, 1, n)]
    dec = evaluation.fit_decisions(logits, labels)
    assert 2.0 < dec["known_temperature"] < 4.0 and dec["known_temperature"] > dec["temperature"]
    known = y < len(CLASSES)
    p_known, ood = evaluation.split_outputs(logits, dec["temperature"], dec["known_temperature"])
    p_shared, ood_shared = evaluation.split_outputs(logits, dec["temperature"])
    np.testing.assert_allclose(ood, ood_shared)
    np.testing.assert_allclose(p_known.sum(1), 1.0)
    ece_own = metrics.expected_calibration_error(p_known[known], y[known])
    ece_shared = metrics.expected_calibration_error(p_shared[known], y[known])
    assert ece_own < ece_shared and ece_own < 0.05
    fields = evaluation.card_decisions(dec)
    assert set(fields) == {"temperature", "known_temperature", "thresholds"}
    assert evaluation.card_decisions_of(fields) == dec


def test_gap_interval_keeps_every_skin_group_in_every_resample():
    """A 12-photo group must be in every resample of the skin-type gap (stratified), never silently dropped."""
    from skin_core import evaluation

    rng = np.random.default_rng(1)
    codes = np.r_[np.zeros(150, int), np.ones(60, int), np.full(12, 2)]
    hits = np.r_[rng.random(150) < 0.8, rng.random(60) < 0.75, np.r_[np.ones(6), np.zeros(6)]].astype(float)
    seen = []

    def gap(h, c):
        seen.append(sorted(set(c.tolist())))
        return evaluation._group_gap(h, c)

    lo, hi = metrics.stratified_bootstrap_ci95(gap, hits, codes)
    assert all(s == [0, 1, 2] for s in seen)
    point = evaluation._group_gap(hits, codes)  # 0.8-ish vs 0.5: the small group drives the gap
    assert lo < point < hi and lo > 0.05
    assert metrics.stratified_bootstrap_ci95(gap, hits, codes) == [lo, hi]  # seeded


def test_ece_noise_floor_tells_a_calibrated_model_from_an_overconfident_one():
    """A model right exactly as often as it says scores under the floor's 95th percentile in about 95 % of test
    sets; one that claims 15 points more confidence than it earns scores over it. The floor sits far above 0 on a
    few hundred photos: that is why the card gives it instead of a bootstrap interval."""
    rng = np.random.default_rng(5)
    n, k = 400, len(CLASSES)
    under, over = 0, 0
    for trial in range(40):
        probs = metrics.softmax(rng.normal(0, 2.0, (n, k)))
        conf, top = probs.max(1), probs.argmax(1)
        right = rng.random(n) < conf
        y = np.where(right, top, (top + 1) % k)
        floor = metrics.ece_noise_floor(probs, seed=trial)
        under += metrics.expected_calibration_error(probs, y) <= floor["p95"]
        right_over = rng.random(n) < np.clip(conf - 0.15, 0, 1)
        over += metrics.expected_calibration_error(probs, np.where(right_over, top, (top + 1) % k)) > floor["p95"]
    assert under >= 34 and over == 40
    assert 0.02 < floor["median"] < floor["p95"] and floor["n"] == n
    assert metrics.ece_noise_floor(probs, seed=1) == metrics.ece_noise_floor(probs, seed=1)  # seeded
    assert metrics.ece_noise_floor(probs[:1]) is None


def test_binned_ece_matches_the_textbook_loop():
    rng = np.random.default_rng(6)
    probs = metrics.softmax(rng.normal(0, 1.5, (300, 5)))
    y = rng.integers(0, 5, 300)
    conf, correct = probs.max(1), probs.argmax(1) == y
    edges = np.linspace(0, 1, 16)
    loop = sum(((conf > lo) & (conf <= hi)).mean() * abs(correct[(conf > lo) & (conf <= hi)].mean()
                                                         - conf[(conf > lo) & (conf <= hi)].mean())
               for lo, hi in zip(edges[:-1], edges[1:]) if ((conf > lo) & (conf <= hi)).any())
    assert np.isclose(metrics.expected_calibration_error(probs, y), loop)


def test_proportion_interval_is_wilsons_and_widens_for_small_groups():
    from skin_core.metrics import proportion_ci95

    lo, hi = proportion_ci95(0.5, 12)
    assert lo == pytest.approx(0.2538, abs=1e-3) and hi == pytest.approx(0.7462, abs=1e-3)  # Wilson, 6 of 12
    assert proportion_ci95(1.0, 14)[1] == 1.0 and proportion_ci95(1.0, 14)[0] < 0.8  # 14 of 14 is not certainty
    assert proportion_ci95(0.5, 0) is None and proportion_ci95(None, 10) is None


def test_macro_f1_counts_only_the_classes_that_occur():
    """A folder holding two classes must not average in nine absent ones as F1 = 0; a class the model predicted
    but the folder lacks still counts (a real mistake). With every class present nothing changes."""
    classes = [f"c{i}" for i in range(11)]
    y = np.array([0, 0, 1, 1])
    right = np.eye(11)[[0, 0, 1, 1]] * 0.9 + 0.01
    out = metrics.classification_metrics(right, y, classes)
    assert out["accuracy"] == 1.0 and out["macro_f1"] == 1.0 and out["macro_f1_classes"] == 2
    wrong = np.eye(11)[[0, 0, 1, 5]] * 0.9 + 0.01  # one photo called a class the folder does not have
    out = metrics.classification_metrics(wrong, y, classes)
    assert out["macro_f1_classes"] == 3 and abs(out["macro_f1"] - (1 + 2 / 3 + 0) / 3) < 1e-9
    rng = np.random.default_rng(0)
    y_all = np.arange(110) % 11
    p = rng.dirichlet(np.ones(11), 110)
    from sklearn.metrics import f1_score
    assert metrics.classification_metrics(p, y_all, classes)["macro_f1"] == f1_score(
        y_all, p.argmax(1), labels=list(range(11)), average="macro", zero_division=0)
