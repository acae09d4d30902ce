import io

import numpy as np
import pytest

from skin_core import images as im
from tests import hostile

CASES = hostile.cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_image_matrix(name):
    data, expect = CASES[name]
    if expect == "ok":
        rgb = im.load_image(data)
        assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
        assert max(rgb.shape[:2]) <= im.MAX_SIDE
    else:
        with pytest.raises(expect) as err:
            im.load_image(data)
        assert isinstance(err.value, im.InvalidImageError)
        msg = str(err.value)
        assert msg and msg[0].isupper() and msg.endswith("."), msg


def test_exif_rotation_comes_out_upright():
    rgb = im.load_image(hostile.exif_rotated_jpeg())
    assert rgb.shape[:2] == (320, 240)  # stored landscape, displayed portrait


def test_16bit_is_rescaled_not_clamped():
    data, _ = CASES["png16"]
    rgb = im.load_image(data)
    assert rgb.min() == 0 and rgb.max() == 255
    assert 100 < rgb.mean() < 155  # a full linear ramp keeps its mid-grey mean


def test_alpha_is_flattened_onto_white():
    rgb = np.zeros((64, 64, 4), np.uint8)  # fully transparent black
    buf = io.BytesIO()
    from PIL import Image

    Image.fromarray(rgb).save(buf, format="PNG")
    assert im.load_image(buf.getvalue()).min() == 255


def test_huge_photo_is_downscaled_keeping_aspect():
    rgb = im.load_image(CASES["huge_8000x6000"][0])
    assert max(rgb.shape[:2]) == im.MAX_SIDE
    assert abs(rgb.shape[1] / rgb.shape[0] - 8000 / 6000) < 0.02


def test_paths_and_file_objects(tmp_path):
    p = tmp_path / "x.jpg"
    p.write_bytes(CASES["plain_jpeg"][0])
    assert im.load_image(p).shape == im.load_image(str(p)).shape == im.load_image(io.BytesIO(p.read_bytes())).shape
    with pytest.raises(im.MissingFileError, match="No such file"):
        im.load_image(tmp_path / "missing.jpg")
    for not_a_file in (tmp_path, "/dev/null"):  # a folder, a device: they exist, but hold no photo
        with pytest.raises(im.MissingFileError, match="Not a regular file"):
            im.load_image(not_a_file)


def test_encode_png_has_no_metadata():
    png = im.encode_png(hostile.skin_like())
    assert b"eXIf" not in png and b"GPS" not in png


def test_an_unreadable_file_is_an_invalid_image_not_an_os_error(tmp_path, monkeypatch):
    p = tmp_path / "x.jpg"
    p.write_bytes(CASES["plain_jpeg"][0])

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(p), "read_bytes", denied)
    with pytest.raises(im.InvalidImageError, match="Could not read the file: Permission denied."):
        im.load_image(p)

    class FailingStream(io.RawIOBase):
        def read(self, n=-1):
            raise OSError(5, "Input/output error")

    with pytest.raises(im.InvalidImageError, match="Input/output error"):
        im.load_image(FailingStream())


def test_a_closed_or_broken_file_object_is_an_invalid_image():
    """The library promises InvalidImageError for anything it cannot read, file objects included."""
    closed = io.BytesIO(b"\x89PNG")
    closed.close()

    class Silent:
        def read(self, n=-1):
            return None

    for source in (closed, Silent()):
        with pytest.raises(im.InvalidImageError, match="Could not read the file"):
            im.load_image(source)
