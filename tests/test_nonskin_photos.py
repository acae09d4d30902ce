"""The non-skin picture set that measures the photo check: its held-out versions, its groups, and a clear error
when the Debian pictures were never fetched (they are not in CI; the card's figure is measured where they are)."""
import numpy as np
import pytest

from skin_core.training import nonskin_photos as ns


def test_a_held_out_photo_gets_17_different_versions_at_the_trunk_size():
    rng = np.random.default_rng(0)
    photo = (rng.random((300, 451, 3)) * 255).astype(np.uint8)
    versions = ns.fixed_versions(photo)
    assert len(versions) == 17
    assert all(v.shape == (ns.SIZE, ns.SIZE, 3) and v.dtype == np.uint8 for v in versions)
    assert len({v.tobytes() for v in versions}) == 17  # no two versions alike (the JPEG copies differ too)


def test_the_sample_photos_are_not_skin_and_leave_out_the_face():
    photos = ns.sample_photos()
    assert set(photos) == {*ns.SAMPLE_PHOTOS, "china", "flower"}
    assert "astronaut" not in photos  # a portrait is skin: it must not count as a picture to refuse
    assert all(p.ndim == 3 and p.shape[2] == 3 and p.dtype == np.uint8 for p in photos.values())


def test_pictures_are_held_out_by_package_or_stamp_category():
    assert ns.group_of("tuxpaint/animals/mammals/cats/tiger.png#2") == "animals"
    assert ns.group_of("mate-backgrounds/Flow.jpg#0") == "mate-backgrounds"
    assert {ns.PACKAGES[p] for p in ns.PACKAGES} == {"train", "val", "test"}


def test_building_without_the_fetched_pictures_says_how_to_fetch_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="nonskin_photos fetch"):
        ns.build(tmp_path)


def test_the_learned_check_reads_the_columns_it_names():
    from skin_core.training import measure_learned_photo_check as m

    dims = {"trunk_out": 3, "mid_out": 2, "low_level": 1}
    assert m.columns(["trunk_out:std", "low_level:mean"], dims).tolist() == [3, 4, 5, 10]
    maps = {k: np.random.default_rng(1).random((2, 4, 4, d)).astype(np.float32) for k, d in dims.items()}
    row = m.pooled(maps, m.ALL)
    assert row.shape == (2, 12)
    np.testing.assert_allclose(row[:, m.columns(["mid_out:std"], dims)], maps["mid_out"].std(axis=(1, 2)), rtol=1e-5)


def test_the_learned_checks_threshold_lets_through_99_percent_of_val_skin():
    from skin_core.training import measure_learned_photo_check as m

    rng = np.random.default_rng(0)
    skin, other, val = rng.normal(0, 1, (400, 5)), rng.normal(3, 1, (400, 5)), rng.normal(0, 1, (1000, 5))
    score, threshold = m.fit(skin, other, val, 1.0)
    assert abs((score(val) > threshold).mean() - 0.01) < 0.002
    assert (score(rng.normal(3, 1, (500, 5))) > threshold).mean() > 0.9  # pictures like the others are refused


def test_the_density_card_tells_the_learned_checks_verdict():
    """The card's table and verdict come from the recorded experiment (`measure_learned_photo_check`)."""
    from skin_core import registry
    from skin_core.config import REPO_ROOT

    e = registry.read_card("skin_photo_density")["learned_check_experiment"]
    md = (REPO_ROOT / "weights" / "skin_photo_density.md").read_text()
    assert f"kept: **{'yes' if e['kept'] else 'no'}**" in md
    assert e["kept"] == all(e["rule"].values())
    assert f"| {e['chosen'].replace(' | ', ', ')} (chosen) |" in md
    g = e["gaussian"]
    assert f"| this density | {g['cv_nonskin_accepted']} of " in md


def _rcc(files: dict[str, tuple[bytes, bool]]) -> bytes:
    """A minimal Qt binary resource (format 2) holding files in one folder "res": name -> (bytes, compressed)."""
    import struct
    import zlib

    names, name_at = b"", {}
    for n in ["res", *files]:
        name_at[n] = len(names)
        names += struct.pack(">HI", len(n), 0) + n.encode("utf-16-be")
    blobs, data_at = b"", {}
    for n, (raw, packed) in files.items():
        body = struct.pack(">I", len(raw)) + zlib.compress(raw) if packed else raw
        data_at[n] = len(blobs)
        blobs += struct.pack(">I", len(body)) + body
    tree = struct.pack(">IHII8x", 0, 2, 1, 1) + struct.pack(">IHII8x", name_at["res"], 2, len(files), 2)
    tree += b"".join(struct.pack(">IHHHI8x", name_at[n], int(p), 0, 0, data_at[n]) for n, (_, p) in files.items())
    start = 20
    return b"qres" + struct.pack(">IIII", 2, start + len(names) + len(blobs), start + len(names), start) + names + blobs + tree


def test_files_come_out_of_a_qt_resource_as_they_went_in():
    payload = bytes(range(256)) * 4
    got = ns.qt_resources(_rcc({"a.webp": (payload, False), "b.qml": (b"Item {}" * 50, True)}))
    assert got == {"/res/a.webp": payload, "/res/b.qml": b"Item {}" * 50}
    with pytest.raises(ValueError, match="Qt resource"):
        ns.qt_resources(b"PK\x03\x04 a zip file")


def test_the_fresh_photos_say_how_to_fetch_them_and_keep_only_real_photos(tmp_path):
    import io

    from PIL import Image

    with pytest.raises(FileNotFoundError, match="nonskin_photos fetch"):
        ns.fresh_photos(tmp_path)
    rcc_dir = tmp_path / ns.FRESH_PACKAGE / "usr/share/gcompris-qt/rcc"
    rcc_dir.mkdir(parents=True)

    def webp(mode, size):
        buf = io.BytesIO()
        Image.new(mode, size, (200, 120, 90, 0)[:len(mode)]).save(buf, "WEBP")  # a cut-out: see-through
        return buf.getvalue()

    files = {"cat.webp": (webp("RGB", (400, 300)), False), "cutout.webp": (webp("RGBA", (400, 300)), False),
             "icon.webp": (webp("RGB", (74, 74)), False), "main.qml": (b"Item {}", True)}
    for res in ns.FRESH_RESOURCES:
        (rcc_dir / f"{res}.rcc").write_bytes(_rcc(files))
    photos = ns.fresh_photos(tmp_path)
    assert sorted(photos) == sorted(f"{res}/cat" for res in ns.FRESH_RESOURCES)  # no cut-out, no icon, no code
    assert all(p.shape == (300, 400, 3) for p in photos.values())


def test_a_dim_refused_photo_gets_its_second_look_and_only_it():
    from skin_core.training import measure_learned_photo_check as m

    plain = np.array([[0.0], [5.0], [5.0], [5.0]])  # refused when the row is above 1
    bright = np.array([[np.nan], [0.0], [0.0], [5.0]])
    dim = np.array([False, True, False, True])
    ok = m.app_passes(lambda a: a[:, 0] > 1, plain, bright, dim)
    assert ok.tolist() == [True, True, False, False]  # kept; passes brightened; not dim; dim but refused again


def test_each_fresh_photo_gets_its_17_versions_named_after_it():
    rng = np.random.default_rng(2)
    photos = {"a/cat": (rng.random((200, 300, 3)) * 255).astype(np.uint8),
              "b/cup": (rng.random((240, 180, 3)) * 255).astype(np.uint8)}
    x, names = ns.fresh_versions(photos)
    assert x.shape == (34, ns.SIZE, ns.SIZE, 3)
    assert names[:2].tolist() == ["a/cat#0", "a/cat#1"] and names[-1] == "b/cup#16"


def test_a_gcompris_selection_takes_only_the_named_photos_and_the_unseen_set_names_no_fresh_resource(tmp_path):
    import io

    from PIL import Image

    rcc_dir = tmp_path / ns.FRESH_PACKAGE / "usr/share/gcompris-qt/rcc"
    rcc_dir.mkdir(parents=True)
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 140, 60)).save(buf, "WEBP")
    files = {f"{n}.webp": (buf.getvalue(), False) for n in ("dog", "dog1", "mask")}
    (rcc_dir / "babyshapes.rcc").write_bytes(_rcc(files))
    (rcc_dir / "erase.rcc").write_bytes(_rcc(files))
    got = ns.gcompris_photos({"babyshapes": ("dog", "dog1"), "erase": None}, tmp_path)
    assert sorted(got) == ["babyshapes/dog", "babyshapes/dog1", "erase/dog", "erase/dog1", "erase/mask"]
    assert not set(ns.UNSEEN_PHOTOS) & set(ns.FRESH_RESOURCES)  # the third try is judged on resources it never saw
    with pytest.raises(FileNotFoundError, match="nonskin_photos fetch"):
        ns.unseen_photos(tmp_path)  # clickgame and the others are missing here


def test_close_ups_are_small_squares_of_the_photo_at_the_trunk_size():
    rgb = np.zeros((300, 400, 3), np.uint8)
    rgb[:, (np.arange(400) // 10) % 2 == 1] = 250  # stripes 10 px wide: the whole photo has 39 edges across
    ups = ns.close_ups(rgb, np.random.default_rng(0), n=6)
    assert len(ups) == 6 and all(u.shape == (ns.SIZE, ns.SIZE, 3) for u in ups)
    for u in ups:  # a square of 20-45 % of the short side (60-135 px) spans 6 to 14 stripes, spoiled or not
        row = u[ns.SIZE // 2, :, 0].astype(float)
        edges = int(np.abs(np.diff(row > row.mean())).sum())
        assert 4 <= edges <= 15


def test_skin_type_weights_make_each_fitzpatrick_group_weigh_as_much_as_types_one_and_two():
    from skin_core.training.measure_animal_negatives import skin_type_weights

    groups = np.array(["I-II"] * 6 + ["III-IV"] * 3 + ["V-VI"] * 2 + ["unknown"] * 4)
    w = skin_type_weights(groups)
    assert {g: round(float(w[groups == g].sum()), 6) for g in ("I-II", "III-IV", "V-VI")} == {
        "I-II": 6.0, "III-IV": 6.0, "V-VI": 6.0}
    assert w[groups == "unknown"].tolist() == [1.0] * 4


def test_the_learned_checks_card_records_both_animal_tries_and_the_verdicts_follow_their_rules():
    from skin_core import registry
    from skin_core.config import REPO_ROOT
    from skin_core.training import measure_animal_negatives as m

    card = registry.read_card("skin_photo_logistic")
    third, fourth = card[m.KEY], card[m.WEIGHTED_KEY]
    md = (REPO_ROOT / "weights" / "skin_photo_logistic.md").read_text()
    for e in (third, fourth):
        assert e["kept"] == all(e["rule"].values())
        per_type = e["candidate"]["test_refused_by_skin_type"].values()
        assert e["rule"]["d_each_skin_type_at_most_2_5pct"] == all(v["refused"] <= m.GROUP_LIMIT * v["n"] for v in per_type)
        assert e["rule"]["a_unseen_fewer_let_through"] == (
            e["candidate"]["unseen_accepted"]["accepted"] < e[m.CURRENT]["unseen_accepted"]["accepted"])
    assert not third["kept"] and [k for k, v in third["rule"].items() if not v] == ["d_each_skin_type_at_most_2_5pct"]
    assert fourth["kept"] and card["selection"]["chosen"] == fourth["chosen"]  # the app runs the fourth try
    assert card["training_command"] == fourth["command"] and "--skin-type-weights" in fourth["command"]
    assert "kept: **no**" in md and "kept: **yes**" in md


def test_a_check_fitted_on_the_fresh_photos_is_judged_on_the_unseen_ones(monkeypatch):
    from skin_core.training import fit_photo_check as fpc

    photo = np.full((60, 80, 3), 120, np.uint8)
    monkeypatch.setattr(ns, "fresh_photos", lambda: {"explore_farm_animals/cow": photo})
    monkeypatch.setattr(ns, "unseen_photos", lambda: {"erase/kitten": photo, "babyshapes/dog": photo})
    monkeypatch.setattr(fpc, "_passed", lambda x, fn, check: (np.arange(len(x)) % 17 == 0, 0))  # each whole photo
    before = fpc.fresh_report(None, None, ("train",))
    after = fpc.fresh_report(None, None, ("train", "gcompris_fresh"))
    assert (before["set"], before["photos"], before["n"]) == ("fresh_photos", 1, 17)
    assert (after["set"], after["photos"], after["n"], after["accepted"]) == ("unseen_photos", 2, 34, 2)
    assert after["photos_let_through"] == ["babyshapes/dog", "erase/kitten"] and after["what"] == ns.UNSEEN_WHAT
