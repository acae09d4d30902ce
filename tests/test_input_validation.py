"""Library-level input checks the reviews found missing: raw arrays, long strips, dark 16-bit data, size wording."""
import io

import numpy as np
import pytest
from PIL import Image

from skin_core import images as im
from skin_core import pipeline


def _png(arr: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr, mode).save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize("shape", [(32, 40000, 3), (40, 400, 3), (900, 100, 3)])
def test_long_strips_are_refused_before_any_model(shape):
    with pytest.raises(im.AspectRatioError, match="long strip"):
        im.load_image(_png(np.full(shape, 180, np.uint8)))
    with pytest.raises(im.AspectRatioError):
        im.validate_array(np.full(shape, 180, np.uint8))


def test_an_8_to_1_photo_is_still_accepted():
    assert im.load_image(_png(np.full((50, 400, 3), 180, np.uint8))).shape == (50, 400, 3)


def test_dark_16bit_photo_stays_dark():
    dark = np.full((64, 64), 200, np.uint16)  # 200 of 65535: nearly black
    assert im.load_image(_png(dark)).max() <= 1


def test_size_limit_message_states_the_real_limit(tmp_path):
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + b"0" * (im.MAX_BYTES + 10))
    for source in (big, big.read_bytes()):
        with pytest.raises(im.FileTooLargeError, match=f"{im.MAX_BYTES // 2**20} MB"):
            im.load_image(source)


@pytest.mark.parametrize(
    "arr, error",
    [
        (np.zeros((0, 0, 3), np.uint8), im.InvalidImageError),
        (np.zeros((64, 64, 3), np.float64), im.InvalidImageError),
        (np.zeros((64, 64, 5), np.uint8), im.InvalidImageError),
        (np.zeros((16, 16, 3), np.uint8), im.ImageTooSmallError),
        (np.zeros((64, 64, 3, 2), np.uint8), im.InvalidImageError),
    ],
    ids=["empty", "float", "five_channels", "tiny", "4d"],
)
def test_bad_arrays_raise_a_clear_error(arr, error):
    with pytest.raises(error) as exc:
        im.validate_array(arr)
    assert str(exc.value)[0].isupper() and str(exc.value).endswith(".")


def test_grey_rgba_and_huge_arrays_are_converted():
    grey = np.full((64, 80), 90, np.uint8)
    assert im.validate_array(grey).shape == (64, 80, 3)
    rgba = np.zeros((64, 64, 4), np.uint8)  # fully transparent: flattened onto white like an upload
    assert im.validate_array(rgba).min() == 255
    huge = np.zeros((2000, 3000, 3), np.uint8)
    assert max(im.validate_array(huge).shape[:2]) == im.MAX_SIDE


def test_analyze_refuses_a_bad_array_with_the_library_error():
    with pytest.raises(im.InvalidImageError):
        pipeline.analyze(np.zeros((64, 64), np.float64), segment=False, explain_heatmap=False)
    with pytest.raises(im.InvalidImageError):
        pipeline.analyze_batch([np.zeros((64, 64, 3), np.uint8), np.zeros((0, 0, 3), np.uint8)])


def test_the_upload_limit_is_one_number():
    """The library's byte cap, the app's upload cap and the size every message names agree."""
    import tomllib

    from skin_core import i18n
    from skin_core.config import REPO_ROOT

    cfg = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] == im.MAX_MB and im.MAX_BYTES == im.MAX_MB * 2**20
    for lang in i18n.LANGS:
        assert f"{im.MAX_MB}" in i18n.t("input.uploader", lang) and "HEIC" in i18n.t("input.uploader", lang)
        assert all(f in i18n.t("image_error.unsupported_format", lang) for f in im.FORMAT_NAMES)


def _jpeg(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 150, 120)).save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def test_a_50_megapixel_phone_jpeg_is_decoded_at_reduced_scale_not_refused():
    """8160x6144 (50.1 MP) is a Pixel's or a Galaxy's full-resolution photo: just over the 50 MP cap for other
    formats, but a JPEG is decoded straight to about 1,600 px (Image.draft), so it is accepted."""
    rgb = im.load_image(_jpeg((8160, 6144)))
    assert max(rgb.shape[:2]) == im.MAX_SIDE and rgb.shape[2] == 3
    with pytest.raises(im.DecompressionBombError, match="8160x6144 pixels, more than the 50 megapixel"):
        im.load_image(_png(np.zeros((6144, 8160), np.uint8)))  # a PNG has no reduced-scale decode


def test_refusals_keep_their_figures_in_korean():
    """The Korean message gives the photo's size and the limit, as the English one does."""
    from skin_core import ui_helpers
    from skin_core.i18n import t

    cases = [(_png(np.full((12, 12, 3), 180, np.uint8)), im.ImageTooSmallError, ("12 x 12", "32 x 32")),
             (_png(np.zeros((6144, 8160), np.uint8)), im.DecompressionBombError, ("8160 x 6144", "50")),
             (_png(np.full((40, 400, 3), 180, np.uint8)), im.AspectRatioError, ("400 x 40",))]
    for data, kind, figures in cases:
        with pytest.raises(kind) as info:
            im.load_image(data)
        err = info.value
        assert t(f"image_error.{err.code}.sized", "en", **err.details) == str(err)  # the two cannot drift apart
        ko = ui_helpers.image_error_text(err, "ko")
        assert all(f in ko for f in figures), ko
    big = im.FileTooLargeError("x", mb="17.3", limit="15")
    assert "17.3" in ui_helpers.image_error_text(big, "ko") and "15" in ui_helpers.image_error_text(big, "ko")


def test_a_wide_jpeg_is_decoded_small_too():
    """Pillow's reduced-scale decode keeps both sides at least the requested ones: a 25000x3150 JPEG (79 MP) must be
    asked for its aspect-true thumbnail, or it would be decoded at full size (over 600 MB)."""
    from unittest import mock

    data, seen = _jpeg((25000, 3150)), []
    real_load = Image.Image.load

    def load(self):
        seen.append(self.size)
        return real_load(self)

    with mock.patch.object(Image.Image, "load", load):
        rgb = im.load_image(data)
    assert rgb.shape[1] == im.MAX_SIDE and max(w * h for w, h in seen) <= im.MAX_PIXELS // 10, seen
