"""The cross-family ensemble measurement's keep rule, on constructed logits."""
import numpy as np

from skin_core.data import CLASSES, OTHER
from skin_core.training.measure_family_ensemble import bootstrap_share_better, macro_f1


def _rows_and_logits(rng, n=400, hit_rate=0.6):
    labels = list(rng.choice(list(CLASSES) + [OTHER], n))
    idx = [len(CLASSES) if lbl == OTHER else CLASSES.index(lbl) for lbl in labels]
    logits = rng.normal(0, 1, (n, len(CLASSES) + 1))
    hit = rng.random(n) < hit_rate
    logits[np.arange(n)[hit], np.array(idx)[hit]] += 5
    return [{"label": lbl} for lbl in labels], logits


def test_a_clearly_better_model_wins_nearly_every_resample_and_a_copy_never_does():
    rng = np.random.default_rng(0)
    rows, weak = _rows_and_logits(rng, hit_rate=0.5)
    y = np.array([len(CLASSES) if r["label"] == OTHER else CLASSES.index(r["label"]) for r in rows])
    strong = weak.copy()
    strong[np.arange(len(y)), y] += 5  # right on every photo
    assert macro_f1(strong, rows) > macro_f1(weak, rows) + 0.3
    assert bootstrap_share_better(weak, strong, rows, n=200) >= 0.99
    assert bootstrap_share_better(weak, weak, rows, n=200) == 0.0


def test_a_one_photo_difference_is_not_enough():
    rng = np.random.default_rng(1)
    rows, base = _rows_and_logits(rng)
    y = np.array([len(CLASSES) if r["label"] == OTHER else CLASSES.index(r["label"]) for r in rows])
    wrong = np.nonzero((base[:, : len(CLASSES)].argmax(1) != y) & (y < len(CLASSES)))[0]
    new = base.copy()
    new[wrong[0], y[wrong[0]]] += 20  # fixes a single photo
    assert macro_f1(new, rows) > macro_f1(base, rows)
    assert bootstrap_share_better(base, new, rows, n=200) < 0.95


def test_split_half_check_finds_no_gain_in_a_student_that_is_noise():
    """Weights searched on val flatter the ensemble; the split-half check scores them on photos they never saw."""
    from skin_core.training.measure_family_ensemble import split_half_gain

    rng = np.random.default_rng(2)
    rows, base = _rows_and_logits(rng)
    noise = rng.normal(0, 1, base.shape)
    y = np.array([len(CLASSES) if r["label"] == OTHER else CLASSES.index(r["label"]) for r in rows])
    helpful = noise.copy()
    helpful[np.arange(len(y)), y] += 3 * (rng.random(len(y)) < 0.5)
    g_noise, g_help = split_half_gain(base, [noise], rows, repeats=3), split_half_gain(base, [helpful], rows, repeats=3)
    assert g_noise["mean"] < 0.02 < g_help["mean"] and g_help["share_positive"] == 1.0 and g_help["n_splits"] == 6


# ------------------------------------------------------------------------ the built ensemble (the app's default)
import pytest  # noqa: E402

from skin_core import cards, data, images, registry  # noqa: E402
from tests.conftest import needs_data  # noqa: E402


def test_the_built_ensemble_is_the_measured_combination_and_passed_the_rule():
    card = registry.read_card("family_ensemble")
    members = card["members"]
    from skin_core.training.measure_family_ensemble import experiment_key

    key = experiment_key(list(members["students"]), members.get("scales", [254]))
    exp = cards.read_card(members["base"])["family_ensemble_experiment"][key]
    assert exp["worth_building"] and exp["val_bootstrap_share_better"] >= 0.95
    assert members["students"] == exp["student_weights"]
    assert card["val_metrics"]["macro_f1"] > cards.read_card(members["base"])["val_metrics"]["macro_f1"]


@needs_data
def test_ensemble_logits_are_the_weighted_sum_of_its_members_on_real_photos():
    ens = registry.load_model("family_ensemble")
    recs = [r for r in data.read_manifest() if r.split == "test" and r.label in ("melanoma", "acne")][:3]
    photos = [images.load_image(r.path()) for r in recs]
    out = ens.predict_photos(photos)
    x = np.stack([ens.base.prepare(im) for im in photos])
    scales = [ens.base.predict(x).logits]  # the Xception at 254 px, then at each larger scale of the photo
    scales += [ens.base.logits_at(np.stack([images.resize(im, s) for im in photos])) for s in ens.scales[1:]]
    want = np.mean(scales, axis=0)
    for name, w in ens.student_weights.items():
        student = registry.load_model(name)
        want = want + w * student.predict_photos(photos).logits
    assert np.allclose(out.logits, want, atol=1e-4)
    assert np.allclose(out.probabilities.sum(1), 1) and out.cam.shape[0] == len(recs) and out.cam.std() > 0
    top = out.logits[:, : len(CLASSES)].argmax(1)  # the heatmap explains the ensemble's answer, not the Xception's
    assert np.allclose(out.cam, ens.base.cam(ens.base.head_outputs(x)[1], top))
    if len(ens.scales) > 1:  # a larger view needs the photo itself, not an upscaled 254 px batch
        with pytest.raises(ValueError, match="predict_photos"):
            ens.predict(x)


@needs_data
def test_the_xception_at_a_second_scale_shares_its_weights_and_reads_the_larger_photo():
    from skin_core.classifiers import shared_trunk, trunk_at

    clf = registry.load_model("xception_derm")
    big, run_big = trunk_at(382)
    assert trunk_at(254)[0] is shared_trunk()[0]
    weighted = [layer for layer in shared_trunk()[0].layers if layer.weights]
    assert {id(lyr) for lyr in big.layers if lyr.weights} == {id(lyr) for lyr in weighted}  # shared, not copied
    rec = next(r for r in data.read_manifest() if r.split == "test" and r.label == "melanoma")
    rgb = images.load_image(rec.path())
    small = images.resize(rgb, 254)[None]
    np.testing.assert_allclose(clf.logits_at(small), clf.head_outputs(small)[0], atol=1e-4)  # the same head
    assert run_big(images.resize(rgb, 382)[None].astype(np.float32))["trunk_out"].shape[1:3] == (24, 24)
    assert not np.allclose(clf.logits_at(images.resize(rgb, 382)[None]), clf.head_outputs(small)[0], atol=1e-2)


def test_an_ensemble_card_whose_scales_do_not_start_at_the_trunk_size_is_refused():
    from skin_core.classifiers import FamilyEnsembleClassifier

    card = registry.read_card("family_ensemble")
    bad = {**card, "members": {**card["members"], "scales": [382, 254]}}
    with pytest.raises(ValueError, match="first scale must be 254"):
        FamilyEnsembleClassifier(registry.get_spec("family_ensemble"), bad, None, {})


def test_an_ensemble_whose_member_was_retrained_or_whose_weights_disagree_is_refused(tmp_path, monkeypatch):
    spec = registry.get_spec("family_ensemble")
    card = registry.read_card("family_ensemble")
    stale = {**card, "members": {**card["members"], "sha256": {**card["members"]["sha256"], "custom_cnn": "0" * 64}}}
    with pytest.raises(registry.CardError, match="was retrained after"):
        spec.builder(spec, stale)
    other = {**card, "members": {**card["members"], "students": {**card["members"]["students"], "custom_cnn": 0.9}}}
    with pytest.raises(registry.CardError, match="disagree with its card"):
        spec.builder(spec, other)
    rescaled = {**card, "members": {**card["members"], "scales": [254, 446]}}
    with pytest.raises(registry.CardError, match="disagree with its card"):
        spec.builder(spec, rescaled)


def test_the_ensemble_is_not_offered_when_a_member_is_missing(monkeypatch, tmp_path):
    assert "family_ensemble" in registry.list_models("classification")
    spec = registry.get_spec("custom_cnn")
    monkeypatch.setattr(registry, "_REGISTRY", {**registry._REGISTRY, "custom_cnn": registry.ModelSpec(
        spec.name, spec.task, spec.family, spec.builder, "missing.keras")})
    assert "family_ensemble" not in registry.list_models("classification")
    assert "xception_derm" in registry.list_models("classification")


def test_the_ensemble_card_note_is_written_from_its_own_test_figures():
    from skin_core.training.build_family_ensemble import ensemble_notes

    base = {"name": "xception_derm",
            "test_metrics": {"accuracy": 0.693, "macro_f1": 0.646, "top3_accuracy": 0.876, "ece_15": 0.053}}
    ens = {"test_metrics": {"accuracy": 0.70, "macro_f1": 0.66, "top3_accuracy": 0.90, "ece_15": 0.06},
           "members": {"base": "xception_derm", "students": {"a": 0.1, "b": 0.2, "c": 0.3}, "scales": [254]}}
    note = ensemble_notes(ens, base)
    assert "runs 4 models per photo, which" in note
    two_scales = {**ens, "members": {**ens["members"], "students": {"a": 0.1, "b": 0.2}, "scales": [254, 382]}}
    assert "runs 3 models per photo and the Xception's trunk at 2 scales" in ensemble_notes(two_scales, base)
    assert "accuracy 0.693 -> 0.700" in note and "macro-F1 0.646 -> 0.660" in note and "ECE 0.053 -> 0.060" in note


def test_the_committed_ensemble_card_note_matches_both_cards():
    """The note quotes test figures of two cards; a refit of either must not leave it stale."""
    from skin_core import cards
    from skin_core.training.build_family_ensemble import ensemble_notes

    card = cards.read_card("family_ensemble")
    assert card["notes"] == ensemble_notes(card, cards.read_card(card["members"]["base"]))
