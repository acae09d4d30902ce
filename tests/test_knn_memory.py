"""The k-NN memory experiment (`measure_knn`): the vote and the three ways of combining it with a head's logits."""
import numpy as np

from skin_core import cards
from skin_core.training.measure_knn import FORMS, combined, knn_class_probs


def test_the_vote_follows_the_nearest_photos():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    memory = np.concatenate([c + 0.05 * rng.normal(size=(20, 16)) for c in centres])
    labels = np.repeat(np.arange(3), 20)
    query = centres + 0.05 * rng.normal(size=(3, 16))
    p = knn_class_probs(query, memory, labels, k=10, tau=0.05, n_classes=4)
    assert np.allclose(p.sum(1), 1) and (p.argmax(1) == np.arange(3)).all() and (p[:, 3] == 0).all()
    near = knn_class_probs(query[:1], memory, labels, k=60, tau=0.01, n_classes=4)  # sharp: the same class wins
    assert near[0, 0] > 0.9


def test_every_form_leaves_the_head_alone_without_a_vote_and_moves_it_with_one():
    logits = np.array([[2.0, 1.0, 0.0, -1.0]])
    flat = np.full((1, 4), 0.25)
    for form, grid in FORMS.items():
        for s in grid:
            assert combined(form, logits, flat, s).argmax() == 0, form  # a uniform vote changes no ranking
            assert combined(form, logits, np.array([[0.0, 0.0, 1.0, 0.0]]), {**s, **({"a": 0.9} if "a" in s else {"lam": 5.0})}).argmax() == 2


def test_the_card_records_the_verdict_with_its_rule():
    e = cards.read_card("xception_derm")["knn_memory_experiment"]
    assert set(e["forms"]) == set(FORMS) and isinstance(e["kept"], bool) and "95%" in e["rule"]
    assert all(0 <= f["val_bootstrap_share_better"] <= 1 for f in e["forms"].values())
    assert "k-NN memory" in cards.to_markdown(cards.read_card("xception_derm"))
