"""Near-duplicate audit: edited copies of real photos are found, distinct photos are not, the committed list fits
the manifest, and every classifier card's `test_metrics_unseen` is what the list and the model give."""
import io

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from skin_core import cards, data, evaluation, images, near_duplicates as nd, registry
from skin_core.training import audit_duplicates as audit
from tests.conftest import needs_data


def _edited(rgb: np.ndarray, seed: int) -> np.ndarray:
    """A re-cropped, resized, re-coloured, JPEG re-encoded copy, as the same photo appears twice in an atlas."""
    rng = np.random.default_rng(seed)
    h, w = rgb.shape[:2]
    dy, dx = int(h * rng.uniform(0.03, 0.08)), int(w * rng.uniform(0.03, 0.08))
    im = Image.fromarray(rgb[dy:h - dy // 2, dx // 2:w - dx]).resize((int(w * 0.8), int(h * 0.8)))
    im = ImageEnhance.Brightness(ImageEnhance.Color(im).enhance(0.85)).enhance(1.1)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=70)
    return np.asarray(Image.open(buf).convert("RGB"))


def test_candidates_on_constructed_fingerprints():
    """The k nearest by features come first; a close hash adds a photo the features missed."""
    rng = np.random.default_rng(0)
    ref = nd.Fingerprints(rng.random((30, 728)).astype(np.float32), rng.random((30, 64)) > 0.5)
    bits = ref.phash[[3, 7]].copy()
    bits[1, :5] ^= True
    q = nd.Fingerprints(np.stack([ref.features[3], ref.features[3]]), bits)
    (idx0, sim0, dist0), (idx1, _, dist1) = nd.candidates(q, ref, k=2)
    assert idx0[0] == 3 and sim0[0] == pytest.approx(1.0) and dist0[0] == 0 and len(idx0) == 2
    assert idx1[0] == 3 and 7 in idx1 and dist1[list(idx1).index(7)] == 5
    with pytest.raises(ValueError):
        nd.candidates(q, nd.Fingerprints(np.zeros((0, 728)), np.zeros((0, 64), bool)))


def test_the_rule_needs_both_enough_matches_and_spread():
    assert nd.is_near_duplicate([nd.MIN_INLIERS, nd.MIN_INLIERS, nd.MIN_INLIERS - 1],
                                [nd.MIN_SPREAD, nd.MIN_SPREAD / 2, 0.9]).tolist() == [True, False, False]


def _stamped(seed: int) -> np.ndarray:
    """A random smooth texture with a white two-line text stamp in the bottom-left corner, as atlases put theirs."""
    import cv2
    from skimage.filters import gaussian

    im = gaussian(np.random.default_rng(seed).random((288, 384, 3)), sigma=3, channel_axis=-1) * 255
    im = np.ascontiguousarray(np.clip((im - im.mean()) * 3 + 150, 0, 255).astype(np.uint8))
    cv2.putText(im, "SKIN", (6, 240), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (255, 255, 255), 3)
    cv2.putText(im, "ATLAS", (6, 280), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (255, 255, 255), 3)
    return im


def test_a_shared_watermark_alone_is_no_match(monkeypatch):
    """Two different textures with the same stamp: no near-duplicate (they would be, stamp included); the same
    texture re-cropped is one."""
    a, b = _stamped(1), _stamped(2)
    assert not nd.is_near_duplicate(*nd.geometric_match(nd.keypoints(a), nd.keypoints(b)))
    crop = np.ascontiguousarray(a[10:, 12:])
    assert nd.is_near_duplicate(*nd.geometric_match(nd.keypoints(a), nd.keypoints(crop)))
    monkeypatch.setattr(nd, "WATERMARK_CORNER", (1.0, 0.0))  # nothing ignored: the stamp alone makes a match
    assert nd.is_near_duplicate(*nd.geometric_match(nd.keypoints(a), nd.keypoints(b)))


@pytest.mark.slow
@needs_data
def test_edited_copies_of_real_photos_are_found_and_unrelated_photos_are_not():
    recs = data.read_manifest()
    train = [r for r in recs if r.split == "train" and r.source in data.CLASSIFIER_SOURCES][::12][:240]
    listed = {(r["source"], r["file"]) for r in nd.read_list()}
    fresh = [r for r in recs if r.split == "val" and r.source in data.CLASSIFIER_SOURCES
             and (r.source, r.file) not in listed][::40][:12]
    ref_photos = [images.load_image(r.path()) for r in train]
    ref = nd.fingerprint(ref_photos)
    originals = [0, 50, 100, 150, 200]
    copies = [_edited(ref_photos[i], i) for i in originals]
    for i, copy, (idx, _, _) in zip(originals, copies, nd.candidates(nd.fingerprint(copies), ref)):
        assert i in idx  # found among the candidates...
        assert nd.is_near_duplicate(*nd.geometric_match(nd.keypoints(copy), nd.keypoints(ref_photos[i])))  # ...verified
    fresh_photos = [images.load_image(r.path()) for r in fresh]
    for photo, (idx, _, _) in zip(fresh_photos, nd.candidates(nd.fingerprint(fresh_photos), ref)):
        for j in idx:
            assert not nd.is_near_duplicate(*nd.geometric_match(nd.keypoints(photo), nd.keypoints(ref_photos[j])))


@needs_data
def test_the_committed_list_fits_the_manifest():
    recs = {(r.source, r.file): r for r in data.read_manifest()}
    rows = nd.read_list()
    assert rows, "manifests/near_duplicates.csv is empty"
    for row in rows:
        a, b = recs[(row["source"], row["file"])], recs[(row["twin_source"], row["twin_file"])]
        assert (a.split, a.label, b.split, b.label) == (row["split"], row["label"], row["twin_split"], row["twin_label"])
        assert b.split in audit.REFERENCE_SPLITS[a.split] and a.source in data.CLASSIFIER_SOURCES
        assert nd.is_near_duplicate(int(row["inliers"]), float(row["spread"]))
    assert len({(r["source"], r["file"]) for r in rows}) == len(rows)


def test_unseen_metrics_leave_out_exactly_the_listed_photos():
    """On constructed logits: the unseen figures are the card metrics of the kept rows, and the counts add up."""
    rng = np.random.default_rng(1)
    labels = [data.CLASSES[i % 11] for i in range(66)] + ["other"] * 20
    rows = [{"label": lab, "source": "dermnet-11" if lab != "other" else "dermnet-other", "skin_type": -1}
            for lab in labels]
    y = evaluation.label_index(labels)
    logits = rng.normal(size=(len(rows), 12))
    logits[np.arange(len(rows)), y] += 2.0
    dec = evaluation.fit_decisions(logits, labels)
    seen = np.zeros(len(rows), bool)
    seen[[0, 5, 70]] = True
    u = evaluation.unseen_metrics(logits, rows, seen, dec)
    keep = ~seen
    direct = evaluation.card_metrics_from_rows(logits[keep], [r for r, k in zip(rows, keep) if k], dec)
    assert u["left_out"] == {"known": 2, "other": 1} and u["n"] == 64
    assert u["accuracy"] == direct["accuracy"] and u["ood_auroc"] == direct["ood"]["auroc"]


@needs_data
def test_every_classifier_card_carries_unseen_figures_that_fit_the_list():
    seen = nd.seen_test_keys()
    test = [r for r in data.read_manifest() if r.split == "test" and r.source in data.CLASSIFIER_SOURCES]
    known_seen = sum((r.source, r.file) in seen and r.label != data.OTHER for r in test)
    for name in registry.list_models("classification"):
        card = cards.read_card(name)
        u = card["test_metrics_unseen"]
        assert u["left_out"]["known"] == known_seen > 0
        assert u["n"] == card["test_metrics"]["n"] - known_seen
        assert "near_duplicates.csv" in cards.to_markdown(card)


@pytest.mark.slow
@needs_data
def test_default_model_reproduces_its_unseen_accuracy_on_real_photos():
    """The default classifier, through the app's batch path, on the known-class test photos with no near-duplicate,
    gives the card's `test_metrics_unseen` accuracy."""
    from skin_core import pipeline

    name = registry.default_model()
    u = cards.read_card(name)["test_metrics_unseen"]
    seen = nd.seen_test_keys()
    recs = [r for r in data.read_manifest() if r.split == "test" and r.label in data.CLASSES
            and r.source in data.CLASSIFIER_SOURCES and (r.source, r.file) not in seen]
    assert len(recs) == u["n"]
    hits = []
    for i in range(0, len(recs), 32):
        chunk = recs[i:i + 32]
        clf, out = pipeline.classify_batch([images.load_image(r.path()) for r in chunk], name)
        hits += [clf.classes[p.argmax()] == r.label for p, r in zip(out.probabilities, chunk)]
    assert abs(np.mean(hits) - u["accuracy"]) <= 0.01


def test_every_card_writer_gets_both_test_entries_from_one_call():
    """`evaluation.test_entries`, which every training command uses for its card: on the real test split's rows,
    the unseen figures leave out exactly the listed photos, so a retrained card cannot carry stale ones."""
    test = [r for r in data.read_manifest() if r.split == "test" and r.source in data.CLASSIFIER_SOURCES]
    rows = [{"label": r.label, "source": r.source, "file": r.file, "skin_type": r.skin_type} for r in test]
    labels = [r.label for r in test]
    logits = np.random.default_rng(2).normal(size=(len(rows), 12))
    logits[np.arange(len(rows)), evaluation.label_index(labels)] += 1.5
    entries = evaluation.test_entries(logits, rows, evaluation.fit_decisions(logits, labels))
    seen = nd.seen_test_keys()
    n_known = sum(lab != data.OTHER for lab in labels)
    left_out = sum((r.source, r.file) in seen and r.label != data.OTHER for r in test)
    assert entries["test_metrics"]["n"] == n_known
    assert entries["test_metrics_unseen"]["n"] == n_known - left_out and left_out > 0


def test_decisions_are_fitted_on_val_photos_without_a_twin_in_train():
    """Whatever the model says about the listed val twins leaves every temperature and threshold unchanged."""
    val = [r for r in data.read_manifest() if r.split == "val" and r.source in data.CLASSIFIER_SOURCES]
    rows = [{"label": r.label, "source": r.source, "file": r.file} for r in val]
    labels = [r.label for r in val]
    twins = {(r["source"], r["file"]) for r in nd.read_list() if r["split"] == "val"}
    is_twin = np.array([(r.source, r.file) in twins for r in val])
    assert is_twin.sum() == len(twins) > 0
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(len(rows), 12))
    logits[np.arange(len(rows)), evaluation.label_index(labels)] += 1.5
    dec = evaluation.fit_decisions_on_val(logits, rows)
    confident = logits.copy()
    confident[is_twin] *= 10  # memorised: far more confident on the twins
    assert evaluation.fit_decisions_on_val(confident, rows) == dec
    assert evaluation.fit_decisions(confident, labels) != dec
