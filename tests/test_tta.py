"""Test-time augmentation for the from-scratch students: the flip/quarter-turn views and their choice on val."""
import numpy as np
import pytest

from skin_core import augment, data, images, registry
from skin_core.training import choose_tta
from tests.conftest import needs_data


def _key(v: np.ndarray) -> bytes:
    return np.ascontiguousarray(v).tobytes()


@pytest.mark.parametrize("n", augment.TTA_VIEW_COUNTS)
def test_each_view_count_is_a_group_of_distinct_orientations(n):
    x = np.arange(2 * 5 * 5 * 3, dtype=np.float32).reshape(2, 5, 5, 3)
    views = augment.tta_views(x, n)
    keys = {_key(v) for v in views}
    assert len(views) == n and len(keys) == n
    np.testing.assert_array_equal(views[0], x)
    for v in views:  # closed: a view of a view is again one of the n views, so no orientation is favoured
        assert {_key(w) for w in augment.tta_views(v, n)} == keys


def test_an_unsupported_view_count_is_refused():
    with pytest.raises(ValueError, match="must be one of"):
        augment.tta_views(np.zeros((1, 4, 4, 3)), 3)


def _rows(labels):
    return [{"label": c, "source": "dermnet-11", "skin_type": ""} for c in labels]


def test_choice_takes_the_best_val_macro_f1_and_ties_go_to_fewer_views():
    classes = list(data.CLASSES)
    labels = [classes[i % 3] for i in range(30)]
    y = np.array([classes.index(c) for c in labels])
    right = np.zeros((30, 12))
    right[np.arange(30), y] = 5.0
    wrong = np.zeros((30, 12))
    wrong[np.arange(30), (y + 1) % 3] = 1.0
    # views 1-4 are wrong-leaning and views 5-8 strongly right: only the 8-view mean gets every photo right
    per_view = np.stack([wrong] * 4 + [right] * 4)
    n, scores = choose_tta.choose(per_view, _rows(labels))
    assert n == 8 and scores[8] == 1.0 and scores[1] < 1.0
    n, scores = choose_tta.choose(np.stack([right] * 8), _rows(labels))
    assert n == 1 and set(scores.values()) == {1.0}


@pytest.mark.parametrize("name", ["xception_derm", "family_ensemble"])
def test_models_that_are_not_students_are_refused(name):
    with pytest.raises(SystemExit, match="from-scratch students"):
        choose_tta.main(["--model", name])


@pytest.mark.slow
@needs_data
def test_a_student_with_eight_views_averages_its_eight_single_view_predictions(monkeypatch):
    clf = registry.load_model("custom_cnn")
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"][::60][:3]
    x = np.stack([clf.prepare(images.load_image(r.path())) for r in recs])
    singles = [clf.predict(v, tta=False).logits for v in augment.tta_views(x, 8)]
    assert not np.allclose(singles[0], singles[4], atol=1e-3)  # the turned views really are other inputs
    monkeypatch.setattr(clf, "tta_views", 8)
    np.testing.assert_allclose(clf.predict(x).logits, np.mean(singles, axis=0), atol=1e-4)
    np.testing.assert_allclose(clf.predict(x, tta=False).logits, singles[0], atol=1e-5)
    monkeypatch.setattr(clf, "tta_views", 1)
    np.testing.assert_allclose(clf.predict(x, tta=True).logits, np.mean(singles[:2], axis=0), atol=1e-4)
