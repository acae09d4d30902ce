"""Generators for the bad-input matrix (shared by the library, CLI and app tests): name -> (bytes, expectation).

Expectation is either an `InvalidImageError` subclass the loader must raise, or "ok" (+ checks in the test).
"""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from skin_core import images as im


def _save(arr_or_img, fmt: str, **kw) -> bytes:
    img = arr_or_img if isinstance(arr_or_img, Image.Image) else Image.fromarray(arr_or_img)
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def skin_like(h: int = 240, w: int = 320, seed: int = 0) -> np.ndarray:
    """A skin-toned photo-like image with a darker blob (texture so it is not 'blurry')."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.array([205, 150, 125], np.float32)
    img = np.broadcast_to(base, (h, w, 3)).copy()
    img += rng.normal(0, 12, (h, w, 3))
    blob = ((yy - h / 2) ** 2 / (h / 5) ** 2 + (xx - w / 2) ** 2 / (w / 6) ** 2) < 1
    img[blob] = img[blob] * np.array([0.55, 0.45, 0.45])
    return img.clip(0, 255).astype(np.uint8)


def bomb_png(side: int = 30000) -> bytes:
    """A tiny PNG whose header claims side x side pixels (a decompression bomb)."""
    raw = zlib.compress(b"\x00" * (side + 1) * 4, 9)  # a few rows only: decoding would fail later anyway

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def exif_rotated_jpeg() -> bytes:
    """A landscape 320x240 pixel array stored with EXIF orientation 6 (display rotated 90 deg CW -> portrait)."""
    img = Image.fromarray(skin_like(240, 320))
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(img, "JPEG", exif=exif.tobytes())


def cases() -> dict[str, tuple[bytes, object]]:
    rgb = skin_like()
    jpeg = _save(rgb, "JPEG", quality=90)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 128, np.uint8)])
    pal = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    pal.info["transparency"] = 0
    g16 = (np.linspace(0, 65535, 240 * 320).reshape(240, 320)).astype(np.uint16)
    frames = [Image.fromarray(skin_like(seed=i)) for i in range(3)]
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:])
    awebp = io.BytesIO()
    frames[0].save(awebp, format="WEBP", save_all=True, append_images=frames[1:])
    tiff = io.BytesIO()
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    out: dict[str, tuple[bytes, object]] = {
        "empty": (b"", im.EmptyImageError),
        "text_as_jpg": (b"hello, this is a text file\n" * 20, im.UnsupportedFormatError),
        "pdf_as_jpg": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", im.UnsupportedFormatError),
        "truncated_jpeg": (jpeg[: len(jpeg) // 2], im.CorruptImageError),
        "random_bytes": (np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes(), im.UnsupportedFormatError),
        "bomb_png": (bomb_png(), im.DecompressionBombError),
        "svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"></svg>',
                im.UnsupportedFormatError),
        "tiny_10x10": (_save(skin_like(10, 10), "PNG"), im.ImageTooSmallError),
        "over_cap": (b"\xff\xd8\xff" + b"\x00" * (im.MAX_BYTES + 10), im.FileTooLargeError),
        "png16": (_save(Image.fromarray(g16), "PNG"), "ok"),
        "cmyk_jpeg": (_save(Image.fromarray(rgb).convert("CMYK"), "JPEG"), "ok"),
        "rgba_png": (_save(rgba, "PNG"), "ok"),
        "palette_png": (_save(pal, "PNG"), "ok"),
        "grayscale": (_save(Image.fromarray(rgb).convert("L"), "PNG"), "ok"),
        "animated_gif": (gif.getvalue(), im.UnsupportedFormatError),  # GIF is not on the allow-list
        "animated_webp": (awebp.getvalue(), "ok"),  # first frame
        "multipage_tiff": (tiff.getvalue(), "ok"),
        "exif_rotated": (exif_rotated_jpeg(), "ok"),
        "huge_8000x6000": (_save(np.zeros((6000, 8000, 3), np.uint8) + np.array([200, 150, 120], np.uint8), "JPEG"), "ok"),
        "webp": (_save(rgb, "WEBP"), "ok"),
        "plain_jpeg": (jpeg, "ok"),
    }
    # pillow-heif is a hard requirement (requirements.txt): the HEIC case is always part of the matrix
    import pillow_heif

    pillow_heif.register_heif_opener()
    out["heic"] = (_save(rgb, "HEIF"), "ok")
    return out
