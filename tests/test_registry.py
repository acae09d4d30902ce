import json
import shutil

import numpy as np
import pytest

from skin_core import data, images, registry
from skin_core.data import CLASSES
from tests.conftest import needs_data


def test_registry_lists_models_with_cards():
    names = registry.list_models()
    assert "xception_derm" in names and "deeplabv3plus" in names
    assert set(registry.list_models("classification")) <= set(names)
    assert registry.default_model("classification") == "xception_derm"  # family_ensemble: over the latency budget
    for n in names:
        d = registry.describe(n)
        assert d["weights"].startswith("weights/") and d["card"].startswith("weights/")
        card = registry.read_card(n)
        for field in ("classes", "input_size", "preprocessing", "data", "split", "test_metrics", "training_command",
                      "sha256", "weights"):
            assert field in card, (n, field)
        assert card["weights"] == d["weights"]
        if d["task"] == "classification":
            assert card["classes"] == list(CLASSES)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(registry.ModelNotFoundError, match="Unknown model 'nope'"):
        registry.load_model("nope")


def test_tampered_weights_are_refused(tmp_path, monkeypatch):
    spec = registry.get_spec("deeplabv3plus")
    card = registry.read_card("deeplabv3plus")
    fake = tmp_path / spec.weights_file
    shutil.copy(spec.weights_path, fake)
    with open(fake, "ab") as fh:
        fh.write(b"tampered")
    monkeypatch.setattr(registry, "WEIGHTS_DIR", tmp_path)
    monkeypatch.setattr(type(spec), "weights_path", property(lambda self: tmp_path / self.weights_file))
    with pytest.raises(registry.WeightsIntegrityError, match="does not match its model card"):
        registry.verify_weights(spec, card)


def test_there_are_classifiers_to_round_trip():
    """The round-trip test below is parametrised over this list: with no weights it would silently vanish."""
    names = registry.list_models("classification")
    assert len(names) >= 2, names  # the default model and at least one student to compare it with
    assert registry.default_model("classification") in names


@pytest.mark.slow
@needs_data
@pytest.mark.parametrize("name", registry.list_models("classification"))
def test_every_classifier_round_trips_on_real_images(name):
    clf = registry.load_model(name)
    assert registry.load_model(name) is clf  # loaded once per process
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"][::40][:6]
    out = clf.predict_photos([images.load_image(r.path()) for r in recs])
    assert out.probabilities.shape == (len(recs), len(CLASSES))
    np.testing.assert_allclose(out.probabilities.sum(1), 1.0, atol=1e-5)
    assert ((out.ood_score >= 0) & (out.ood_score <= 1)).all()
    assert len(set(out.probabilities.argmax(1))) > 1 or len(recs) == 1  # not a constant answer


def test_a_model_of_another_task_is_refused_by_name():
    with pytest.raises(registry.ModelNotFoundError, match="segmentation model, not a classification model"):
        registry.load_model("deeplabv3plus", "classification")


def test_cards_that_disagree_with_the_code_are_refused():
    spec = registry.get_spec(registry.default_model())
    card = registry.read_card(spec.name)
    registry.check_card(spec, card)  # the committed card is consistent
    bad = [{**card, "classes": list(reversed(card["classes"]))},
           {**card, "outputs": card["classes"]},
           {**card, "thresholds": {k: v for k, v in card["thresholds"].items() if k != "urgent"}},
           {**card, "weights": "weights/other.keras"}]
    for c in bad:
        with pytest.raises(registry.CardError):
            registry.check_card(spec, c)


def test_weights_path_is_the_registry_entry_or_an_experiment_heads_keras_file():
    for name in registry.list_models(available_only=False):
        assert registry.weights_path(name) == registry.get_spec(name).weights_path
    assert registry.weights_path("xception_derm_v2").name == "xception_derm_v2.keras"
    assert registry.weights_path("skin_photo_density").suffix == ".npz"


def test_every_cards_markdown_and_the_readme_table_are_in_step_with_its_json():
    """The readable card and the README's model table are generated from the JSON: an edit to one alone fails here
    (regenerate with `python -m skin_core.cards`)."""
    from skin_core import cards
    from skin_core.config import REPO_ROOT, WEIGHTS_DIR

    for path in sorted(WEIGHTS_DIR.glob("*.json")):
        card = json.loads(path.read_text())
        assert (WEIGHTS_DIR / f"{card['name']}.md").read_text() == cards.to_markdown(card), card["name"]
        if card.get("task") == "classification":
            floor = card["test_metrics"]["ece_noise_floor"]
            assert f"up to {floor['p95']:.3f} (95th percentile)" in cards.to_markdown(card)
    assert cards.models_table() in (REPO_ROOT / "README.md").read_text()


def test_a_model_forgotten_while_it_loads_is_returned_but_not_kept(monkeypatch):
    """`forget_loaded` (a script rewrote a card) during a load: that load's caller gets its model, but the cache does
    not keep it, so the next caller reads the new card; a load never holds the lock other models are read under."""
    import threading

    saved = dict(registry._LOADED)
    started, release = threading.Event(), threading.Event()

    def slow_build(name):
        started.set()
        assert release.wait(10)
        return ("built", name)

    monkeypatch.setattr(registry, "_build", slow_build)
    registry._LOADED.pop("custom_cnn", None)
    registry._LOADED["resnet_small"] = ("loaded", "resnet_small")
    got = {}
    th = threading.Thread(target=lambda: got.setdefault("m", registry._load("custom_cnn")))
    th.start()
    try:
        assert started.wait(10)
        assert registry._load("resnet_small") == ("loaded", "resnet_small")  # not blocked by the other load
        registry.forget_loaded()
    finally:
        release.set()
        th.join(10)
    assert got["m"] == ("built", "custom_cnn") and "custom_cnn" not in registry._LOADED
    registry._LOADED.clear()
    registry._LOADED.update(saved)
