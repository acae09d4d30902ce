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
