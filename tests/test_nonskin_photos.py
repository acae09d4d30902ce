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
