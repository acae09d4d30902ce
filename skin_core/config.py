"""Where things live: repo paths, the data root, and the few constants every module shares."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WEIGHTS_DIR = REPO_ROOT / "weights"
MANIFEST_PATH = REPO_ROOT / "manifests" / "split.csv"
NEAR_DUPLICATES_PATH = REPO_ROOT / "manifests" / "near_duplicates.csv"  # written by training.audit_duplicates
CACHE_DIR = Path(os.environ.get("SKINLENS_CACHE", REPO_ROOT / "cache"))


def data_root() -> Path:
    """The shared data folder: `SKINLENS_DATA` if set, else `../shared/data` beside the repo."""
    env = os.environ.get("SKINLENS_DATA")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data"


def data_available() -> bool:
    """True when the data folder holds the dermnet-11 images (tests skip real-data checks otherwise)."""
    return (data_root() / "dermnet-11").is_dir()
