"""The CLI is public API: end-to-end through a real subprocess on real images."""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from skin_core import data, knowledge, registry
from skin_core.data import CLASSES
from skin_core.i18n import t
from skin_core.pipeline import Analysis
from tests import hostile
from tests.conftest import needs_data

KEYS = {"path", *Analysis.json_keys()}  # every line is the pipeline's Analysis.to_dict(), errors included


def cli(*args, input=None, timeout=600):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "skin_core", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, input=input)


def test_models_json():
    res = cli("models", "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert {r["name"] for r in rows} == set(registry.list_models())
    for r in rows:
        assert set(r) >= {"name", "task", "classes", "weights", "card", "default", "test_metrics"}
        assert r["test_metrics"], f"{r['name']}: no test figure in the summary"
    assert sum(r["default"] and r["task"] == "classification" for r in rows) == 1
    for r in rows:
        if r["task"] == "classification":  # also the figures without test photos that have a twin in train/val
            card = registry.read_card(r["name"])
            assert r["test_metrics_unseen"]["accuracy"] == card["test_metrics_unseen"]["accuracy"]
            assert r["test_metrics_unseen"]["n"] < r["test_metrics"].get("n", card["test_metrics"]["n"])


def test_memo_cli_both_languages():
    res = cli("memo", "melanoma", "--lang", "ko", "--json")
    assert res.returncode == 0
    m = json.loads(res.stdout)
    assert m["urgency"] == "urgent" and "흑색종" in m["name"]
    assert cli("memo", "not_a_condition").returncode == 2


@pytest.mark.slow
def test_predict_over_the_bad_input_matrix(tmp_path):
    cases = hostile.cases()
    paths = {}
    for name, (blob, _expect) in cases.items():
        p = tmp_path / f"{name}.jpg"
        p.write_bytes(blob)
        paths[str(p)] = name
    res = cli("predict", "--json", *paths)
    assert res.returncode == 2, res.stderr  # some inputs are unreadable
    assert "Traceback" not in res.stderr
    lines = [json.loads(l) for l in res.stdout.splitlines()]
    assert {l["path"] for l in lines} == set(paths)
    for line in lines:
        name = paths[line["path"]]
        assert set(line) == KEYS
        if cases[name][1] == "ok":
            assert line["status"] != "error", (name, line["message"])
            assert abs(sum(line["probabilities"].values()) - 1) < 1e-4
            assert line["label"] is None or line["status"] in ("ok", "uncertain")
        else:
            assert line["status"] == "error" and line["message"] and line["label"] is None, name


@pytest.mark.slow
@needs_data
def test_predict_real_images_and_folders(tmp_path):
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"][::30][:8]
    folder = tmp_path / "photos" / "nested"
    folder.mkdir(parents=True)
    for r in recs[:4]:
        (folder / r.file.split("/")[-1]).write_bytes(r.path().read_bytes())
    res = cli("predict", "--json", str(tmp_path / "photos"), *[str(r.path()) for r in recs[4:]])
    assert res.returncode == 0, res.stderr
    lines = [json.loads(l) for l in res.stdout.splitlines()]
    assert len(lines) == len(recs)
    for l in lines:
        assert set(l) == KEYS and l["model"] == registry.default_model()
        assert set(l["probabilities"]) == set(CLASSES)
        assert abs(sum(l["probabilities"].values()) - 1) < 1e-4
        assert 0 <= l["ood_score"] <= 1 and l["urgency"] in ("routine", "soon", "urgent")
        assert l["status"] in ("ok", "uncertain", "out_of_scope", "not_skin", "poor_quality")
        assert len(l["top3"]) == 3


@pytest.mark.slow
@needs_data
def test_evaluate_recomputes_the_default_cards_test_accuracy(tmp_path):
    """`evaluate` on the manifest's test split (known classes) reproduces the card's test accuracy."""
    name = registry.default_model()
    card = registry.read_card(name)
    recs = [r for r in data.read_manifest() if r.split == "test" and r.label in CLASSES
            and r.source in ("dermnet-11", "fitzpatrick")]
    for r in recs:
        d = tmp_path / r.label
        d.mkdir(exist_ok=True)
        (d / f"{r.source}_{r.file.split('/')[-1]}").symlink_to(r.path())
    res = cli("evaluate", "--model", name, "--json", str(tmp_path), timeout=1200)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["n"] == card["test_metrics"]["n"] == len(recs)
    assert abs(out["accuracy"] - card["test_metrics"]["accuracy"]) <= 0.01
    assert abs(out["macro_f1"] - card["test_metrics"]["macro_f1"]) <= 0.015
    lo, hi = out["ci95"]["accuracy"]
    assert lo < out["accuracy"] < hi and abs(lo - card["test_metrics"]["ci95"]["accuracy"][0]) <= 0.02


@pytest.mark.slow
@needs_data
def test_segment_cli_writes_masks_at_input_size(tmp_path):
    from PIL import Image

    recs = data.select(data.read_manifest(), split="test", sources=["ph2"])[:2]
    twin = tmp_path / "elsewhere" / recs[0].path().name  # same file name as the first input: its own mask
    twin.parent.mkdir()
    Image.open(recs[1].path()).resize((200, 150)).save(twin, format="JPEG")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    inputs = [r.path() for r in recs] + [twin]
    res = cli("segment", "--out", str(tmp_path / "masks"), "--json", *map(str, inputs), str(bad))
    assert res.returncode == 2
    lines = [json.loads(l) for l in res.stdout.splitlines()]
    assert [set(l) for l in lines] == [{"path", "mask", "area_fraction", "status", "message"}] * 4
    assert len({l["mask"] for l in lines[:3]}) == 3
    for path, l in zip(inputs, lines):
        m = np.asarray(Image.open(l["mask"]))
        assert m.shape == Image.open(path).size[::-1]
        assert set(np.unique(m)) <= {0, 255} and 0 < l["area_fraction"] < 1
    assert lines[-1]["status"] == "error" and lines[-1]["mask"] is None


def test_mask_names_never_collide():
    from pathlib import Path

    from skin_core.cli import _mask_names

    names = _mask_names([Path("a/1.jpg"), Path("b/1.jpg"), Path("x.JPG"), Path("x.png"), Path("y.jpg")])
    assert names == ["1.png", "1-2.png", "x.png", "x-2.png", "y.png"]
    # a generated name that is also another input's own stem
    names = _mask_names([Path("a/x.jpg"), Path("b/x.jpg"), Path("x-2.jpg"), Path("X-3.png")])
    assert len({n.lower() for n in names}) == 4 and names[:2] == ["x.png", "x-2.png"], names


def test_predict_and_segment_say_when_there_is_nothing_to_do(tmp_path):
    """An empty folder (or one with no photos) is an error with a reason, not a silent success."""
    (tmp_path / "notes.txt").write_text("no photos here")
    for args in (("predict", "--json"), ("segment", "--out", str(tmp_path / "masks"))):
        res = cli(*args, str(tmp_path))
        assert res.returncode == 2 and "no image files" in res.stderr and str(tmp_path) in res.stderr, res.stderr
        assert not res.stdout and "Traceback" not in res.stderr
    assert not (tmp_path / "masks").exists()


@needs_data
def test_segment_refuses_an_output_folder_that_is_a_file(tmp_path):
    rec = data.select(data.read_manifest(), split="test", sources=["ph2"])[0]
    (tmp_path / "masks").write_text("a file, not a folder")
    res = cli("segment", "--out", str(tmp_path / "masks"), str(rec.path()))
    assert res.returncode == 2 and "cannot write masks" in res.stderr and "Traceback" not in res.stderr


def test_predict_refuses_a_model_of_another_task(tmp_path):
    res = cli("predict", "--model", "deeplabv3plus", "--json", str(tmp_path))
    assert res.returncode == 2 and "segmentation model, not a classification model" in res.stderr
    assert "Traceback" not in res.stderr


def test_evaluate_and_bench_refuse_bad_arguments_like_predict(tmp_path):
    res = cli("evaluate", "--model", "no_such_model", str(tmp_path))
    assert res.returncode == 2 and "no_such_model" in res.stderr and "Traceback" not in res.stderr
    res = cli("evaluate", "--model", "xception_derm", str(tmp_path / "missing"))
    assert res.returncode == 2 and "is not a folder" in res.stderr
    res = cli("bench", "--n", "0")
    assert res.returncode == 2 and "must be at least 1" in res.stderr


@pytest.mark.slow
@needs_data
def test_predict_applies_red_flags_and_korean(tmp_path):
    rec = [r for r in data.read_manifest() if r.split == "test" and r.label == "melanocytic_nevus"
           and r.source == "dermnet-11"][0]
    plain = json.loads(cli("predict", "--json", str(rec.path())).stdout)
    flagged = json.loads(cli("predict", "--json", "--lang", "ko", "--red-flag", "rapid_change", str(rec.path())).stdout)
    assert flagged["probabilities"] == plain["probabilities"] and flagged["red_flags"] == ["rapid_change"]
    assert flagged["urgency"] == "urgent" and flagged["cancer_banner"] == knowledge.cancer_banner("ko")
    assert cli("predict", "--red-flag", "itchy_feet", str(rec.path())).returncode == 2
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    res = cli("predict", "--json", "--lang", "ko", str(broken))
    line = json.loads(res.stdout)
    assert res.returncode == 2 and line["status"] == "error" and re.search("[\uac00-\ud7a3]", line["message"])
    assert line["urgency"] is None and line["red_flags"] == []  # nothing analysed, nothing reported
    line = json.loads(cli("predict", "--json", "--red-flag", "fever", str(broken)).stdout)
    assert line["status"] == "error" and line["urgency"] == "same_day" and line["red_flags"] == ["fever"]
    res = cli("predict", "--json", "--lang", "ko", str(tmp_path / "gone.jpg"))  # the reason survives translation
    assert json.loads(res.stdout)["message"] == t("image_error.missing_file", "ko")


@pytest.mark.slow
@needs_data
def test_evaluate_skips_unreadable_files_and_refuses_an_empty_folder(tmp_path):
    recs = [r for r in data.read_manifest() if r.split == "test" and r.label == "acne"][:3]
    (tmp_path / "acne").mkdir()
    for r in recs:
        (tmp_path / "acne" / r.file.split("/")[-1]).symlink_to(r.path())
    (tmp_path / "acne" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    res = cli("evaluate", "--json", str(tmp_path))
    assert res.returncode == 2 and "skipping" in res.stderr and "Traceback" not in res.stderr
    out = json.loads(res.stdout)
    assert out["n"] == 3 and out["skipped"] == 1
    assert 1 <= out["macro_f1_classes"] <= 3  # acne, plus any class one of its 3 photos was mistaken for
    empty = tmp_path / "empty"
    empty.mkdir()
    res = cli("evaluate", str(empty))
    assert res.returncode == 2 and "no readable photos" in res.stderr
