"""Decode untrusted image bytes into an upright RGB uint8 array, or raise a clear `InvalidImageError`.

Every limit is checked before full decoding: byte size, format allow-list, pixel count (bomb guard).
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF support (iPhone photos); optional at import time so the core stays importable.
    import pillow_heif

    pillow_heif.register_heif_opener()
    _HEIF = True
except Exception:  # pragma: no cover - exercised only where pillow-heif is missing
    _HEIF = False

MAX_MB = 15  # same cap as the app's upload limit (.streamlit/config.toml; a test checks they agree)
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 8000x6000 phone photo passes; a 30000x30000 bomb does not
# A JPEG is decoded at 1/2 to 1/8 scale straight to about MAX_SIDE (`Image.draft`), so it may have more pixels: a
# 50 MP phone photo (8160x6144) or a 108 MP one passes. Pillow's own bomb check still refuses anything above
# 2 x Image.MAX_IMAGE_PIXELS (about 179 MP) before a pixel is decoded.
MAX_JPEG_PIXELS = 150_000_000
MIN_SIDE = 32  # below this no model can see a lesion
MAX_SIDE = 1600  # huge photos are downscaled to this longest side, never rejected
MAX_ASPECT = 8.0  # a strip longer than 8:1 is a banner or a scan, not a photo of a lesion
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIF", "MPO"}
FORMAT_NAMES = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIC")  # what every "please upload" message names
FORMATS_TEXT = f"{', '.join(FORMAT_NAMES[:-1])} or {FORMAT_NAMES[-1]}"
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff")  # file names of those formats

ImageInput = Union[str, Path, bytes, bytearray, io.IOBase]


class InvalidImageError(ValueError):
    """The input cannot be used as a photo; `str(err)` is a sentence a person understands, and `details` holds
    its figures (e.g. w, h, limit) so a translated message can give them too."""

    code = "invalid_image"

    def __init__(self, message: str = "", **details):
        super().__init__(message)
        self.details = details


class MissingFileError(InvalidImageError):
    code = "missing_file"


class EmptyImageError(InvalidImageError):
    code = "empty"


class FileTooLargeError(InvalidImageError):
    code = "too_large"


class UnsupportedFormatError(InvalidImageError):
    code = "unsupported_format"


class CorruptImageError(InvalidImageError):
    code = "corrupt"


class DecompressionBombError(InvalidImageError):
    code = "too_many_pixels"


class ImageTooSmallError(InvalidImageError):
    code = "too_small"


class AspectRatioError(InvalidImageError):
    code = "aspect_ratio"


def _read_bytes(source: ImageInput, max_bytes: int) -> bytes:
    """The raw bytes of a path, bytes or file-like object; an OS error (no permission, a vanished file, a failing
    disk) becomes an `InvalidImageError`, so a batch skips that photo instead of stopping."""
    try:
        return _read_bytes_unchecked(source, max_bytes)
    except OSError as exc:
        raise InvalidImageError(f"Could not read the file: {exc.strerror or exc}.") from exc


def _read_bytes_unchecked(source: ImageInput, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise MissingFileError(f"No such file: {path}.")
        if not path.is_file():  # a folder, a device or a pipe: nothing a photo can be read from
            raise MissingFileError(f"Not a regular file: {path}.")
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(
                f"The file is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB. Please use a smaller photo.",
                mb=f"{size / 2**20:.1f}", limit=f"{max_bytes / 2**20:.0f}",
            )
        data = path.read_bytes()
    elif hasattr(source, "read"):
        try:
            data = source.read(max_bytes + 1)
        except ValueError as exc:  # e.g. a closed file
            raise InvalidImageError(f"Could not read the file: {exc}.") from exc
        if isinstance(data, str):
            raise UnsupportedFormatError("This is text, not an image.")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidImageError(f"Could not read the file: it gave {type(data).__name__}, not bytes.")
        data = bytes(data)
    else:
        raise InvalidImageError(f"Cannot read an image from a {type(source).__name__}.")
    if len(data) == 0:
        raise EmptyImageError("The file is empty.")
    if len(data) > max_bytes:
        raise FileTooLargeError(
            f"The file is over the {max_bytes / 2**20:.0f} MB limit. Please use a smaller photo."
        )
    return data


def _to_rgb(img: Image.Image) -> Image.Image:
    """Flatten every mode Pillow can give (16-bit, CMYK, alpha, palette, grey) to 8-bit RGB."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        if img.mode.startswith("I;16") or (img.mode == "I" and hi > 255):
            arr = arr / 65535.0 * 255.0  # 16-bit data: a dark 16-bit photo stays dark
        elif hi > lo and (hi > 255 or lo < 0):
            arr = (arr - lo) / (hi - lo) * 255.0
        img = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA") if "transparency" in img.info else img.convert("RGB")
    if img.mode in ("LA", "PA"):
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img, mask=img.getchannel("A"))
        img = background
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def _check_shape(width: int, height: int, min_side: int = MIN_SIDE) -> None:
    if min(width, height) < min_side:
        raise ImageTooSmallError(
            f"The image is only {width}x{height} pixels; at least {min_side}x{min_side} is needed.",
            w=width, h=height, min=min_side,
        )
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise AspectRatioError(
            f"The image is {width}x{height} pixels, a long strip rather than a photo; please upload a photo "
            f"no more than {MAX_ASPECT:.0f} times longer than it is wide.", w=width, h=height,
        )


def _too_many_pixels(width: int, height: int, limit: int) -> DecompressionBombError:
    mp = f"{limit / 1_000_000:g}"
    return DecompressionBombError(f"The image is {width}x{height} pixels, more than the {mp} megapixel limit. Please "
                                  "use a smaller photo.", w=width, h=height, limit=mp)


def _downscale(img: Image.Image, max_side: int) -> Image.Image:
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return img


def validate_array(rgb: np.ndarray, *, min_side: int = MIN_SIDE, max_side: int = MAX_SIDE) -> np.ndarray:
    """An in-memory picture (library callers) checked like a decoded upload: RGB uint8, grey and RGBA converted,
    same size and shape limits, huge arrays downscaled. Raises an `InvalidImageError` subclass otherwise."""
    arr = np.asarray(rgb)
    if arr.dtype != np.uint8:
        raise InvalidImageError(f"Expected an 8-bit (uint8) RGB array, got {arr.dtype}.")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise InvalidImageError(f"Expected an image array of shape (H, W, 3), got {arr.shape}.")
    if arr.size == 0:
        raise EmptyImageError("The image has no pixels.")
    height, width = arr.shape[:2]
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(width, height, MAX_PIXELS)
    _check_shape(width, height, min_side)
    if arr.ndim == 3 and arr.shape[2] == 3 and max(width, height) <= max_side:
        return np.ascontiguousarray(arr)
    img = _to_rgb(Image.fromarray(arr))
    return np.ascontiguousarray(np.asarray(_downscale(img, max_side), dtype=np.uint8))


def load_image(
    source: ImageInput,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
    max_jpeg_pixels: int = MAX_JPEG_PIXELS,
) -> np.ndarray:
    """Return an upright RGB uint8 array (H, W, 3) from a path, bytes or file object.

    Raises an `InvalidImageError` subclass for anything that is not a usable photo. A JPEG may have up to
    `max_jpeg_pixels`, as long as its reduced-scale decode stays within `max_pixels`; every other format up to
    `max_pixels`.
    """
    data = _read_bytes(source, max_bytes)
    head = data[:256].lstrip().lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        raise UnsupportedFormatError(f"SVG drawings are not supported; please upload a photo ({FORMATS_TEXT}).")
    if data[:5] == b"%PDF-":
        raise UnsupportedFormatError(f"This is a PDF document, not a photo. Please upload a {FORMATS_TEXT} photo.")
    with warnings.catch_warnings():
        # Pillow's warning band (89-179 MP) is judged below, per format; above it Image.open raises
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise DecompressionBombError("The image has too many pixels to be processed safely.") from exc
        except UnidentifiedImageError as exc:
            raise UnsupportedFormatError(
                f"This file is not an image we can read. Please upload a {FORMATS_TEXT} photo."
            ) from exc
        except Exception as exc:  # Pillow raises many types on hostile input
            raise CorruptImageError("The image file is damaged and cannot be read.") from exc
        fmt = (img.format or "").upper()
        if fmt not in ALLOWED_FORMATS:
            raise UnsupportedFormatError(
                f"{fmt or 'This'} files are not supported. Please upload a {FORMATS_TEXT} photo."
            )
        width, height = img.size
        jpeg = fmt in ("JPEG", "MPO")  # MPO: a phone's multi-picture JPEG
        limit = max_jpeg_pixels if jpeg else max_pixels
        if width * height > limit:
            raise _too_many_pixels(width, height, limit)
        _check_shape(width, height, min_side)
        try:
            if getattr(img, "n_frames", 1) > 1:
                img.seek(0)  # animated GIF/WEBP or multi-page TIFF: first frame only
            if jpeg and max(width, height) > 2 * max_side:
                # decode at 1/2 to 1/8 scale, down towards the size it will be shown at (Pillow keeps both sides at
                # least the requested ones, so ask for the aspect-true thumbnail, not a square)
                f = max_side / max(width, height)
                img.draft("RGB", (max(1, int(width * f)), max(1, int(height * f))))
                if img.size[0] * img.size[1] > max_pixels:  # 1/8 was not enough: treat it as any other format
                    raise _too_many_pixels(width, height, max_pixels)
            img.load()
            img = ImageOps.exif_transpose(img)
            img = _to_rgb(img)
        except Image.DecompressionBombError as exc:
            raise DecompressionBombError("The image has too many pixels to be processed safely.") from exc
        except InvalidImageError:
            raise
        except Exception as exc:
            raise CorruptImageError("The image file is damaged or truncated and cannot be read.") from exc
    arr = np.asarray(_downscale(img, max_side), dtype=np.uint8)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise CorruptImageError("The image could not be converted to colour pixels.")
    return np.ascontiguousarray(arr)


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an RGB or L array (no metadata, so no EXIF/GPS leaves the app)."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def resize(rgb: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """Resize to (size, size) or (w, h) with a good filter; used by every model's preprocessing."""
    wh = (size, size) if isinstance(size, int) else size
    return np.array(Image.fromarray(rgb).resize(wh, Image.Resampling.BILINEAR), dtype=np.uint8)
