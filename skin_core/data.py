"""Index the shared data folder and make/read the one committed, seeded, stratified split manifest.

Manifest columns: source, file (relative to the source folder), label, skin_type (1-6, -1 unknown), split.
Sources: dermnet-11, dermnet-other (label "other"), fitzpatrick (its 6 known classes + "other"), ph2.
"""
from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .config import MANIFEST_PATH, data_root

SEED = 20261125
FRACTIONS = (0.70, 0.15, 0.15)
SPLITS = ("train", "val", "test")
OTHER = "other"
# The 11 known conditions, in model output order. Written once here; cards copy it, everything else reads cards.
CLASSES = (
    "acne",
    "actinic_keratosis",
    "atopic_dermatitis",
    "basal_cell_carcinoma",
    "eczema",
    "lichen_planus",
    "melanocytic_nevus",
    "melanoma",
    "molluscum",
    "psoriasis",
    "tinea",
)
STUDY_CLASSES = ("acne", "eczema", "atopic_dermatitis", "basal_cell_carcinoma", "melanocytic_nevus")
MALIGNANT = ("melanoma", "basal_cell_carcinoma")
CLASSIFIER_SOURCES = ("dermnet-11", "dermnet-other", "fitzpatrick")  # clinical photos; ph2 is for segmentation
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
FIELDS = ("source", "file", "label", "skin_type", "split")


@dataclass(frozen=True)
class Record:
    source: str
    file: str
    label: str
    skin_type: int
    split: str

    def path(self, root: Path | None = None) -> Path:
        return (root or data_root()) / self.source / self.file

    @property
    def skin_group(self) -> str:
        return skin_group(self.skin_type)


def skin_group(skin_type: int) -> str:
    """Fitzpatrick type -> reporting group (I-II, III-IV, V-VI, unknown)."""
    if skin_type in (1, 2):
        return "I-II"
    if skin_type in (3, 4):
        return "III-IV"
    if skin_type in (5, 6):
        return "V-VI"
    return "unknown"


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def index_data(root: Path | None = None) -> list[tuple[str, str, str, int]]:
    """Every usable image as (source, file, label, skin_type), sorted, before any split."""
    root = root or data_root()
    rows: list[tuple[str, str, str, int]] = []
    dn = root / "dermnet-11"
    for cls_dir in sorted(p for p in dn.iterdir() if p.is_dir()):
        rows += [("dermnet-11", f"{cls_dir.name}/{p.name}", cls_dir.name, -1) for p in _images(cls_dir)]
    rows += [("dermnet-other", f"other/{p.name}", OTHER, -1) for p in _images(root / "dermnet-other" / "other")]
    with open(root / "fitzpatrick" / "labels.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if (root / "fitzpatrick" / r["file"]).is_file():
                rows.append(("fitzpatrick", r["file"], r["class"], int(r["fitzpatrick_scale"])))
    with open(root / "ph2" / "labels.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append(("ph2", f"images/{r['image']}.jpg", r["diagnosis"], -1))
    return sorted(rows)


def make_split(rows: Iterable[tuple[str, str, str, int]], seed: int = SEED) -> list[Record]:
    """Stratified 70/15/15 split per (source, label, skin-type group); deterministic for a seed."""
    strata: dict[tuple, list] = defaultdict(list)
    for row in rows:
        source, _file, label, st = row
        strata[(source, label, skin_group(st) if source == "fitzpatrick" else "")].append(row)
    out: list[Record] = []
    rng = random.Random(seed)
    for key in sorted(strata):
        items = sorted(strata[key])
        rng.shuffle(items)
        n = len(items)
        n_val = int(round(n * FRACTIONS[1]))
        n_test = int(round(n * FRACTIONS[2]))
        if n >= 3:
            n_val, n_test = max(n_val, 1), max(n_test, 1)
        n_train = n - n_val - n_test
        for i, (source, file, label, st) in enumerate(items):
            split = "train" if i < n_train else "val" if i < n_train + n_val else "test"
            out.append(Record(source, file, label, st, split))
    return sorted(out, key=lambda r: (r.source, r.file))


def write_manifest(records: list[Record], path: Path = MANIFEST_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(FIELDS)
        for r in records:
            w.writerow([r.source, r.file, r.label, r.skin_type, r.split])


def read_manifest(path: Path = MANIFEST_PATH) -> list[Record]:
    """The committed split; every training and evaluation script reads this, never re-splits."""
    with open(path, newline="") as fh:
        return [
            Record(r["source"], r["file"], r["label"], int(r["skin_type"]), r["split"])
            for r in csv.DictReader(fh)
        ]


def select(
    records: Iterable[Record],
    split: str | None = None,
    sources: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
) -> list[Record]:
    """Filter manifest records by split, source and label."""
    srcs = set(sources) if sources is not None else None
    labs = set(labels) if labels is not None else None
    return [
        r
        for r in records
        if (split is None or r.split == split)
        and (srcs is None or r.source in srcs)
        and (labs is None or r.label in labs)
    ]


def ph2_mask_path(record: Record, root: Path | None = None) -> Path:
    stem = Path(record.file).stem
    return (root or data_root()) / "ph2" / "masks" / f"{stem}.png"


if __name__ == "__main__":  # python -m skin_core.data  -> (re)writes the manifest
    recs = make_split(index_data())
    write_manifest(recs)
    print(f"wrote {len(recs)} records to {MANIFEST_PATH}")
