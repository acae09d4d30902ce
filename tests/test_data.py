from collections import Counter

import pytest

from skin_core import data
from tests.conftest import needs_data


def test_manifest_is_committed_and_well_formed():
    recs = data.read_manifest()
    assert len(recs) > 6000
    assert {r.split for r in recs} == set(data.SPLITS)
    assert {r.source for r in recs} == {"dermnet-11", "dermnet-other", "fitzpatrick", "ph2"}
    keys = [(r.source, r.file) for r in recs]
    assert len(keys) == len(set(keys)), "an image appears twice"
    known = {r.label for r in recs if r.source == "dermnet-11"}
    assert known == set(data.CLASSES)


def test_split_is_deterministic_and_disjoint():
    rows = [("dermnet-11", f"{c}/{i}.jpg", c, -1) for c in ("a", "b") for i in range(40)]
    a, b = data.make_split(rows), data.make_split(list(reversed(rows)))
    assert a == b
    assert data.make_split(rows, seed=1) != a
    by_split = {s: {r.file for r in a if r.split == s} for s in data.SPLITS}
    assert not (by_split["train"] & by_split["test"]) and not (by_split["val"] & by_split["test"])


def test_split_is_stratified_70_15_15():
    recs = data.read_manifest()
    for label in data.CLASSES:
        c = Counter(r.split for r in recs if r.source == "dermnet-11" and r.label == label)
        n = sum(c.values())
        assert abs(c["train"] / n - 0.70) < 0.04 and abs(c["test"] / n - 0.15) < 0.04, (label, c)
    fitz = [r for r in recs if r.source == "fitzpatrick"]
    for group in ("I-II", "III-IV", "V-VI"):
        c = Counter(r.split for r in fitz if r.skin_group == group)
        assert c["test"] > 0 and c["val"] > 0, group


@needs_data
def test_manifest_matches_the_data_folder():
    recs = data.read_manifest()
    fresh = data.make_split(data.index_data())
    assert fresh == recs, "manifest out of date: run `make manifest` (and retrain)"
    assert all(r.path().is_file() for r in recs[:: max(1, len(recs) // 200)])
    ph2 = data.select(recs, sources=["ph2"])
    assert all(data.ph2_mask_path(r).is_file() for r in ph2)


@pytest.mark.parametrize("st,group", [(1, "I-II"), (4, "III-IV"), (6, "V-VI"), (-1, "unknown")])
def test_skin_group(st, group):
    assert data.skin_group(st) == group
