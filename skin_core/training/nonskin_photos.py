"""Pictures that are not skin, for measuring the photo check (skin_core/photo_check.py) and fitting a learned one.

No non-skin photo set ships with the data, and nothing may be downloaded at run time, so the set is built from
Debian packages (fetched once from the package registry with `apt-get download`, never committed): desktop
wallpapers, GIMP's texture patterns and Tux Paint's clip-art stamps (many are photos of animals, food and objects),
pasted on backgrounds or cropped to close-ups of fur, peel or feathers. Split by package and category, never by
picture, so val and test hold kinds of pictures the check never saw:

    python -m skin_core.training.nonskin_photos fetch      # apt-get download + dpkg -x into NONSKIN_DIR

Test adds 17 versions (crops, mirror, JPEG copies, blur...) of the scikit-image and scikit-learn sample photos.
A second, fresh test set (`fresh_photos`, added after the first learned check was measured, and seen by no check
before it was judged) holds the real photos inside GCompris's activity resources: farm and wild animals (a cat among
them), monuments, tools, fishes, household objects, wind and solar farms. The third try trained on those, and was
judged on a third set (`unseen_photos`) from other GCompris resources: animals (a kitten, dogs' fur close up), sea
beds, instruments, objects, landscape paintings.
"""
from __future__ import annotations

import argparse
import glob
import io
import os
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

SIZE = 254  # the shared trunk's input
NONSKIN_DIR = Path(os.environ.get("SKINLENS_NONSKIN", Path.home() / ".cache" / "skinlens" / "nonskin"))
PACKAGES = {  # Debian package -> split (stamps are split by category below)
    "plasma-workspace-wallpapers": "train", "gnome-backgrounds": "train", "ukui-wallpapers": "train",
    "desktop-base": "train", "xplanet-images": "train", "gimp-data": "train", "tuxpaint-stamps-default": "train",
    "sway-backgrounds": "val", "lomiri-wallpapers": "val",
    "mate-backgrounds": "test",
}
FRESH_PACKAGE = "gcompris-qt-data"  # fresh test photos, inside Qt resource files
FRESH_RESOURCES = ("explore_farm_animals", "explore_world_animals", "explore_monuments", "categorization", "details")
UNSEEN_PHOTOS = {  # GCompris resources no check had seen before the third try (None: all its photos). Left out: photos
    # of people (skin), and painting backgrounds with cut-out holes
    "erase": None, "babyshapes": ("dog", "dog1", "dog2"), "clickgame": None, "digital_electricity": None,
    "explore_world_music": ("africa", "america", "middleeast"),
    "louis-braille": ("braille_ball", "chart", "night_printing", "rnib", "statue", "workshop"),
    "paintings": tuple(f"{p}_{i}" for p in ("bazille_rampart", "gogh_auvert") for i in range(1, 7)),
}
FRESH_WHAT = "animals, monuments, tools, fishes, objects"  # what each set shows, for cards
UNSEEN_WHAT = "animals (a kitten, dogs' fur close up), sea beds, instruments, objects, landscape paintings"
VAL_STAMPS = ("food/",)  # Tux Paint categories held out for val
SKIP_STAMPS = ("symbols/", "people/")  # letters and signs; cartoon people (skin)
SAMPLE_PHOTOS = ("brick", "camera", "chelsea", "coffee", "coins", "colorwheel", "grass", "gravel", "hubble_deep_field",
                 "immunohistochemistry", "logo", "moon", "page", "retina", "rocket", "text", "horse")  # no astronaut: a face is skin


@dataclass
class NonSkinSet:
    """Pictures at SIZE x SIZE with, per picture, its kind (wallpaper, texture, stamp, close_up, sample), split and name."""

    x: np.ndarray
    kind: np.ndarray
    split: np.ndarray
    name: np.ndarray

    def where(self, split: str) -> np.ndarray:
        return self.split == split


def fetch(target: Path = NONSKIN_DIR) -> Path:
    """Download the packages (not installed) and unpack their files under target/<package>."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["apt-get", "download", *PACKAGES, FRESH_PACKAGE], cwd=tmp, check=True)
        for deb in Path(tmp).glob("*.deb"):
            subprocess.run(["dpkg", "-x", str(deb), str(target / deb.name.split("_")[0])], check=True)
    return target


def _resize(rgb: np.ndarray) -> np.ndarray:
    return np.array(Image.fromarray(np.ascontiguousarray(rgb)).resize((SIZE, SIZE), Image.Resampling.BILINEAR), np.uint8)


def jpeg_copy(rgb: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=int(quality))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def _crop(rgb, rng, lo, hi):
    h, w = rgb.shape[:2]
    s = rng.uniform(lo, hi)
    ch, cw = max(8, int(h * s)), max(8, int(w * s))
    y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    return rgb[y:y + ch, x:x + cw]


def _spoil(v: np.ndarray, rng) -> np.ndarray:
    """A phone's doing: a JPEG copy half the time, a darker or brighter exposure a third of the time."""
    if rng.random() < 0.5:
        v = jpeg_copy(v, rng.integers(40, 95))
    if rng.random() < 0.35:
        v = np.clip(v * rng.uniform(0.35, 1.25), 0, 255).astype(np.uint8)
    return v


def random_view(rgb: np.ndarray, rng) -> np.ndarray:
    """A random crop (most of the time), mirror, JPEG copy or exposure change, at SIZE."""
    v = _crop(rgb, rng, 0.45, 1.0) if rng.random() < 0.7 else rgb
    if rng.random() < 0.5:
        v = v[:, ::-1]
    return _spoil(_resize(v), rng)


def fixed_versions(rgb: np.ndarray) -> list[np.ndarray]:
    """17 versions of a held-out photo: whole, mirror, JPEG 90/75/50, four corner crops and two centre crops,
    a quarter turn, a mirrored JPEG, blur, brighter, half size, half size as a JPEG."""
    h, w = rgb.shape[:2]
    ch, cw = int(h * 0.6), int(w * 0.6)
    small = np.asarray(Image.fromarray(rgb).resize((w // 2, h // 2)))
    vs = [rgb, rgb[:, ::-1], *(jpeg_copy(rgb, q) for q in (90, 75, 50))]
    vs += [rgb[y * (h - ch):y * (h - ch) + ch, x * (w - cw):x * (w - cw) + cw] for y in (0, 1) for x in (0, 1)]
    vs += [rgb[h // 5:h - h // 5, w // 5:w - w // 5], rgb[h * 3 // 10:h - h * 3 // 10, w * 3 // 10:w - w * 3 // 10]]
    vs += [np.rot90(rgb), jpeg_copy(np.ascontiguousarray(rgb[:, ::-1]), 75),
           np.asarray(Image.fromarray(rgb).filter(ImageFilter.GaussianBlur(1))),
           np.clip(rgb * 1.25, 0, 255).astype(np.uint8), small, jpeg_copy(small, 60)]
    return [_resize(v) for v in vs]


def sample_photos() -> dict[str, np.ndarray]:
    """scikit-image's and scikit-learn's bundled sample photos, as RGB uint8."""
    import skimage.data
    from sklearn.datasets import load_sample_images

    out = {}
    for n in SAMPLE_PHOTOS:
        a = np.asarray(getattr(skimage.data, n)())
        a = (a * 255).astype(np.uint8) if a.dtype == bool else a
        out[n] = np.repeat(a[..., None], 3, 2) if a.ndim == 2 else a[..., :3].astype(np.uint8)
    for i, im in enumerate(load_sample_images().images):
        out[("china", "flower")[i]] = im
    return out


def _gimp_pattern(path: str) -> np.ndarray:
    """A GIMP .pat texture (header, name, raw pixels) as RGB."""
    b = open(path, "rb").read()
    header, _, w, h, depth = struct.unpack(">5I", b[:20])
    px = np.frombuffer(b[header:header + w * h * depth], np.uint8).reshape(h, w, depth)
    return np.ascontiguousarray(px[..., :3] if depth >= 3 else np.repeat(px[..., :1], 3, 2))


def _photos(root: Path, package: str) -> list[str]:
    """A package's pictures, the largest file of each wallpaper (KDE ships one per screen size)."""
    best: dict[str, tuple[int, str]] = {}
    for f in glob.glob(f"{root}/{package}/**/*", recursive=True):
        if f.lower().endswith((".jpg", ".jpeg", ".png")) and os.path.getsize(f) > 20000:
            key, size = f.split("/contents/images")[0], os.path.getsize(f)
            if key not in best or size > best[key][0]:
                best[key] = (size, f)
    return sorted(f for _, f in best.values())


def _load(f: str) -> np.ndarray:
    im = Image.open(f)
    im.draft("RGB", (1200, 1200))
    return np.asarray(im.convert("RGB"))


def _close_up(rgba: np.ndarray, rng, tries: int = 20) -> np.ndarray | None:
    """A square inside the stamp's opaque part (fur, peel, feathers), at SIZE; None if it has none."""
    solid = rgba[..., 3] > 200
    ys, xs = np.where(solid)
    if len(ys) < 400:
        return None
    for _ in range(tries):
        s = int(min(np.ptp(ys), np.ptp(xs)) * rng.uniform(0.2, 0.6))
        if s < 24:
            return None
        y, x = rng.integers(ys.min(), ys.max() - s + 1), rng.integers(xs.min(), xs.max() - s + 1)
        if solid[y:y + s, x:x + s].mean() > 0.97:
            return _resize(rgba[y:y + s, x:x + s, :3])
    return None


def _pasted(stamp: Image.Image, background: np.ndarray, rng) -> np.ndarray:
    canvas = Image.fromarray(_resize(background)).convert("RGBA")
    stamp = stamp.crop(stamp.getbbox()) if stamp.getbbox() else stamp
    scale = rng.uniform(0.6, 0.98) * SIZE / max(stamp.size)
    stamp = stamp.resize((max(1, int(stamp.size[0] * scale)), max(1, int(stamp.size[1] * scale))))
    canvas.alpha_composite(stamp, (int(rng.integers(0, SIZE - stamp.size[0] + 1)),
                                   int(rng.integers(0, SIZE - stamp.size[1] + 1))))
    return np.asarray(canvas.convert("RGB"))


def build(root: Path = NONSKIN_DIR, seed: int = 0) -> NonSkinSet:
    """The whole set, deterministic for a seed: 4 random views per train/val wallpaper and 3 per test one, 3 per
    texture, 3 pasted and up to 3 close-ups per stamp, and the 17 fixed versions of every sample photo (test)."""
    if not (root / "tuxpaint-stamps-default").is_dir():
        raise FileNotFoundError(f"No non-skin pictures under {root}: run `python -m skin_core.training.nonskin_photos fetch`")
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    walls = {p: _photos(root, p) for p, s in PACKAGES.items() if p not in ("gimp-data", "tuxpaint-stamps-default")}
    for package, files in walls.items():
        split = PACKAGES[package]
        for f in files:
            rgb = _load(f)
            rows += [(random_view(rgb, rng), "wallpaper", split, f"{package}/{Path(f).name}#{j}")
                     for j in range(3 if split == "test" else 4)]
    patterns = sorted(glob.glob(f"{root}/gimp-data/**/*.pat", recursive=True))
    for i, f in enumerate(patterns):
        t = _gimp_pattern(f)
        tile = np.tile(t, (max(1, 2 * SIZE // t.shape[0]), max(1, 2 * SIZE // t.shape[1]), 1))
        rows += [(random_view(tile, rng), "texture", "val" if i % 5 == 0 else "train", f"gimp/{Path(f).name}#{j}")
                 for j in range(3)]
    train_walls = [f for p, fs in walls.items() if PACKAGES[p] == "train" for f in fs]
    backgrounds = ([_crop(_load(f), rng, 0.2, 0.6) for f in train_walls[:60]]
                   + [np.tile(_gimp_pattern(p), (4, 4, 1)) for p in patterns[:40]])
    stamps = sorted(glob.glob(f"{root}/tuxpaint-stamps-default/**/stamps/**/*.png", recursive=True))
    for f in stamps:
        category = f.split("/stamps/", 1)[1]
        if category.startswith(SKIP_STAMPS):
            continue
        split = "val" if category.startswith(VAL_STAMPS) else "train"
        stamp = Image.open(f).convert("RGBA")
        for j in range(3):
            up = _close_up(np.asarray(stamp), rng)
            if up is None:
                break
            rows.append((_spoil(up, rng), "close_up", split, f"tuxpaint/{category}#c{j}"))
        for j in range(3):
            if rng.random() < 0.35:
                bg = np.full((SIZE, SIZE, 3), rng.integers(0, 256, 3), np.uint8)
            else:
                blur = ImageFilter.GaussianBlur(rng.uniform(0, 3))
                bg = np.asarray(Image.fromarray(backgrounds[rng.integers(len(backgrounds))]).filter(blur))
            rows.append((_spoil(_pasted(stamp, bg, rng), rng), "stamp", split, f"tuxpaint/{category}#{j}"))
    for n, rgb in sample_photos().items():
        rows += [(v, "sample", "test", f"{n}#{j}") for j, v in enumerate(fixed_versions(rgb))]
    return NonSkinSet(np.stack([r[0] for r in rows]), *(np.array([r[k] for r in rows]) for k in (1, 2, 3)))


def qt_resources(blob: bytes) -> dict[str, bytes]:
    """The files inside a Qt binary resource (.rcc): path -> bytes (zlib-compressed entries inflated)."""
    if blob[:4] != b"qres":
        raise ValueError("not a Qt resource file")
    version, tree, data_at, names_at = struct.unpack(">IIII", blob[4:20])
    node = 14 if version == 1 else 22

    def name(offset):
        n = struct.unpack(">H", blob[names_at + offset:names_at + offset + 2])[0]
        return blob[names_at + offset + 6:names_at + offset + 6 + 2 * n].decode("utf-16-be")

    out, stack = {}, [(0, "")]
    while stack:
        i, prefix = stack.pop()
        at = tree + i * node
        name_offset, flags = struct.unpack(">IH", blob[at:at + 6])
        path = f"{prefix}/{name(name_offset)}" if i else ""
        if flags & 2:  # a directory: child count, first child
            count, first = struct.unpack(">II", blob[at + 6:at + 14])
            stack += [(c, path) for c in range(first, first + count)]
        else:
            offset = data_at + struct.unpack(">I", blob[at + 10:at + 14])[0]
            raw = blob[offset + 4:offset + 4 + struct.unpack(">I", blob[offset:offset + 4])[0]]
            out[path] = zlib.decompress(raw[4:]) if flags & 1 else raw
    return out


def gcompris_photos(selection: dict, root: Path = NONSKIN_DIR, min_side: int = 150) -> dict[str, np.ndarray]:
    """GCompris's real photos in the named resources (resource -> photo names, None for all): RGB WebP of at least
    min_side px (its cut-outs and painting fragments carry an alpha channel and are left out), "<resource>/<photo>"
    -> RGB uint8."""
    out = {}
    for res, names in selection.items():
        path = root / FRESH_PACKAGE / "usr/share/gcompris-qt/rcc" / f"{res}.rcc"
        if not path.is_file():
            raise FileNotFoundError(f"No {path}: run `python -m skin_core.training.nonskin_photos fetch`")
        for name, blob in sorted(qt_resources(path.read_bytes()).items()):
            if name.endswith(".webp") and (names is None or Path(name).stem in names):
                im = Image.open(io.BytesIO(blob))
                if im.mode == "RGB" and min(im.size) >= min_side:
                    out[f"{res}/{Path(name).stem}"] = np.asarray(im)
    return out


def fresh_photos(root: Path = NONSKIN_DIR) -> dict[str, np.ndarray]:
    """The second try's test photos (230, `FRESH_WHAT`), the third try's train negatives."""
    return gcompris_photos({r: None for r in FRESH_RESOURCES}, root)


def unseen_photos(root: Path = NONSKIN_DIR) -> dict[str, np.ndarray]:
    """The third try's test photos (65 of `UNSEEN_PHOTOS`, `UNSEEN_WHAT`)."""
    return gcompris_photos(UNSEEN_PHOTOS, root)


def close_ups(rgb: np.ndarray, rng, n: int = 3) -> list[np.ndarray]:
    """n random squares of 20-45 % of the photo's short side (fur, feathers, bark...), spoiled as a phone would."""
    out = []
    for _ in range(n):
        s = max(8, int(min(rgb.shape[:2]) * rng.uniform(0.2, 0.45)))
        y, x = rng.integers(0, rgb.shape[0] - s + 1), rng.integers(0, rgb.shape[1] - s + 1)
        out.append(_spoil(_resize(rgb[y:y + s, x:x + s]), rng))
    return out


def fresh_versions(photos: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The 17 `fixed_versions` of each fresh photo, and each version's name ("<resource>/<photo>#<k>")."""
    rows = [(v, f"{n}#{k}") for n, rgb in photos.items() for k, v in enumerate(fixed_versions(rgb))]
    return np.stack([r[0] for r in rows]), np.array([r[1] for r in rows])


def group_of(name: str) -> str:
    """The group a picture is held out with in cross-validation: its package, or its stamp category."""
    return name.split("/")[1] if name.startswith("tuxpaint/") else name.split("/")[0]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["fetch", "summary", "fresh"])
    ap.add_argument("--dir", type=Path, default=NONSKIN_DIR)
    args = ap.parse_args(argv)
    if args.command == "fetch":
        print(fetch(args.dir))
    elif args.command == "fresh":
        photos = fresh_photos(args.dir)
        groups, counts = np.unique([n.split("/")[0] for n in photos], return_counts=True)
        print(len(photos), dict(zip(groups.tolist(), counts.tolist())))
    else:
        s = build(args.dir)
        kinds, counts = np.unique([f"{k}/{sp}" for k, sp in zip(s.kind, s.split)], return_counts=True)
        print(dict(zip(kinds.tolist(), counts.tolist())))


if __name__ == "__main__":
    main()
