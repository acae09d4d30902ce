"""Model cards: one JSON (machine-readable, read by the registry/app) and one Markdown (for people) per weights file."""
from __future__ import annotations

import json
import platform
from pathlib import Path

from .config import WEIGHTS_DIR


def hardware() -> str:
    import os

    return f"{platform.machine()} {os.cpu_count()} CPU cores, {platform.system()} (no GPU)"


def _pct(v) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _classification_md(m: dict) -> list[str]:
    lines = [
        "| metric | test |",
        "|---|---|",
        f"| accuracy (11 classes) | {_pct(m.get('accuracy'))} |",
        f"| macro-F1 | {_pct(m.get('macro_f1'))} |",
        f"| top-3 accuracy | {_pct(m.get('top3_accuracy'))} |",
        f"| accuracy on the study's 5 classes | {_pct(m.get('study5_accuracy'))} |",
        f"| melanoma recall (top-1) | {_pct(m.get('melanoma_recall'))} |",
        f"| melanoma + BCC flagged `urgent` | {_pct(m.get('malignant_urgent_rate'))} |",
        f"| ECE (15 bins, temperature-scaled) | {_pct(m.get('ece_15'))} |",
        f"| AUROC of ood_score (known vs other conditions) | {_pct((m.get('ood') or {}).get('auroc'))} |",
        f"| fitzpatrick skin-type accuracy gap | {_pct(m.get('fitzpatrick_skin_group_gap'))} |",
        "",
        "Per source: " + ", ".join(f"{k} {_pct(v['accuracy'])} (n={v['n']})" for k, v in m.get("by_source", {}).items()),
        "",
        "Fitzpatrick photos by skin type: "
        + ", ".join(f"{k} {_pct(v['accuracy'])} (n={v['n']})" for k, v in m.get("fitzpatrick_by_skin_group", {}).items()),
        "",
        "| class | precision | recall | F1 | n |",
        "|---|---|---|---|---|",
    ]
    for c, d in m.get("per_class", {}).items():
        lines.append(f"| {c} | {d['precision']:.2f} | {d['recall']:.2f} | {d['f1-score']:.2f} | {int(d['support'])} |")
    return lines


def to_markdown(card: dict) -> str:
    m = card.get("test_metrics", {})
    lines = [
        f"# Model card: `{card['name']}` ({card['task']})",
        "",
        card.get("description", ""),
        "",
        f"- **Family**: {card.get('family')}",
        f"- **Weights**: `weights/{card['weights_file']}` (sha256 `{card.get('sha256')}`)",
        f"- **Input**: {card.get('input_size')} px RGB; preprocessing: {card.get('preprocessing')}",
        f"- **Classes (output order)**: {', '.join(card.get('classes', []))}",
        f"- **Initialisation**: {card.get('initialisation', 'n/a')}",
        f"- **Data**: {card.get('data', '')}",
        f"- **Split**: `{card.get('split')}` (seeded, stratified 70/15/15; metrics below are on the test split only)",
        f"- **Training command**: `{(card.get('training') or {}).get('command')}`",
        f"- **Wall time / hardware**: {(card.get('training') or {}).get('wall_time_s')} s on {(card.get('training') or {}).get('hardware')}",
        "",
        "## Test metrics",
        "",
    ]
    if card["task"] == "classification":
        lines += _classification_md(m)
    else:
        lines += ["| metric | test |", "|---|---|"] + [
            f"| {k} | {_pct(v) if isinstance(v, (int, float)) else v} |" for k, v in m.items() if not isinstance(v, (list, dict))
        ]
    if card.get("thresholds"):
        lines += ["", "## Decision thresholds (chosen on val)", ""]
        lines += [f"- `{k}`: {v:.4f}" for k, v in card["thresholds"].items()]
    for section in ("intended_use", "limitations", "notes"):
        if card.get(section):
            lines += ["", f"## {section.replace('_', ' ').capitalize()}", "", card[section]]
    if card.get("gallery"):
        lines += ["", "## Gallery", "", f"![gallery]({card['gallery']})"]
    return "\n".join(lines) + "\n"


def write_card(card: dict, weights_dir: Path = WEIGHTS_DIR) -> Path:
    path = weights_dir / f"{card['name']}.json"
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    (weights_dir / f"{card['name']}.md").write_text(to_markdown(card))
    return path


def read_card(name: str, weights_dir: Path = WEIGHTS_DIR) -> dict:
    return json.loads((weights_dir / f"{name}.json").read_text())
