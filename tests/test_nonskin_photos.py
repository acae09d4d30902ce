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
