"""The out-of-fold teacher: every train photo is predicted by a head that never saw it."""
import numpy as np

from skin_core.data import CLASSES
from skin_core.training.oof_teacher import fold_of_records


def test_every_record_is_in_one_fold_and_each_class_is_spread_evenly():
    labels = [c for i, c in enumerate(CLASSES) for _ in range(7 + 3 * i)] + ["other"] * 40
    fold = fold_of_records(labels, 4, seed=1)
    assert fold.shape == (len(labels),) and set(fold) == {0, 1, 2, 3}
    for c in set(labels):
        per_fold = np.bincount(fold[[i for i, l in enumerate(labels) if l == c]], minlength=4)
        assert per_fold.max() - per_fold.min() <= 1, (c, per_fold)


def test_folds_are_seeded():
    labels = [c for c in CLASSES for _ in range(8)]
    assert (fold_of_records(labels, 4, seed=1) == fold_of_records(labels, 4, seed=1)).all()
    assert (fold_of_records(labels, 4, seed=1) != fold_of_records(labels, 4, seed=2)).any()


def test_a_student_asked_for_the_oof_teacher_stops_when_it_has_not_been_built(tmp_path, monkeypatch):
    import pytest

    from skin_core.training import oof_teacher, train_student

    monkeypatch.setattr(oof_teacher, "OOF_PATH", tmp_path / "teacher_oof_train.npy")
    with pytest.raises(SystemExit, match="run python -m skin_core.training.oof_teacher first"):
        train_student.oof_teacher()
    np.save(tmp_path / "teacher_oof_train.npy", np.zeros((3, len(CLASSES) + 1), np.float32))
    (tmp_path / "teacher_oof_train.json").write_text('{"command": "python -m skin_core.training.oof_teacher"}')
    logits, command = train_student.oof_teacher()
    assert logits.shape == (3, len(CLASSES) + 1) and command.endswith("oof_teacher")


def test_a_card_keeps_how_earlier_cycles_learned_when_a_cycle_changes_teacher():
    from skin_core.training.train_student import _initialisation

    first = _initialisation(None, True, False, 0.5, 2.0)
    assert "xception_derm's soft predictions" in first
    assert _initialisation(first, True, False, 0.5, 2.0) == first
    both = _initialisation(first, True, True, 0.5, 2.0)
    assert both.startswith(first) and "out-of-fold" in both
    assert _initialisation(both, True, True, 0.5, 2.0) == both


def test_the_teacher_can_train_on_the_original_view_of_each_photo_only():
    from skin_core.training.oof_teacher import views_kept

    rows = [{"record": str(i // 4), "view": str(i % 4)} for i in range(12)]
    assert views_kept(rows, 1).tolist() == [True, False, False, False] * 3
    assert views_kept(rows, 2).sum() == 6 and views_kept(rows, 0).all()
