"""Model cards: one JSON (machine-readable, read by the registry/app) and one Markdown (for people) per weights file."""
from __future__ import annotations

import json
import platform
from pathlib import Path

from .config import WEIGHTS_DIR


def hardware() -> str:
    """Where a training step ran: CPU cores and any GPU TensorFlow sees (checked, not assumed)."""
    import os

    try:
        import tensorflow as tf

        gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    except Exception:  # TensorFlow absent or broken: report the CPU only
        gpus = []
    gpu = f"{len(gpus)} GPU" if gpus else "no GPU"
    return f"{platform.machine()} {os.cpu_count()} CPU cores, {platform.system()} ({gpu})"


def tta_view_count(card: dict) -> int:
    """How many flips/quarter-turns a student's TTA averages (augment.tta_views), from its card: `tta_views` when
    choose_tta set it, else the mirror (2) or, with `tta` off, the photo alone."""
    return int(card.get("tta_views", 2 if card.get("tta", True) else 1))


def training_record(seed, previous_cycles: list[dict], cycle: dict) -> dict:
    """A card's `training` block: every cycle that built these weights (a --resume adds one), and their total time."""
    cycles = [*previous_cycles, cycle]
    return {"seed": seed, "wall_time_s": sum(c["wall_time_s"] for c in cycles), "hardware": cycle["hardware"],
            "cycles": cycles}


def _pct(v) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _ci(m: dict, key: str) -> str | None:
    ci = (m.get("ci95") or {}).get(key)
    return f"{ci[0]:.3f} - {ci[1]:.3f}" if ci else None


def _classification_md(m: dict) -> list[str]:
    rows = [
        ("accuracy (11 classes)", "accuracy", m.get("accuracy")),
        ("macro-F1", "macro_f1", m.get("macro_f1")),
        ("top-3 accuracy", "top3_accuracy", m.get("top3_accuracy")),
        ("accuracy on the study's 5 classes", "study5_accuracy", m.get("study5_accuracy")),
        ("melanoma recall (top-1)", "melanoma_recall", m.get("melanoma_recall")),
        ("melanoma + BCC flagged `urgent`", "malignant_urgent_rate", m.get("malignant_urgent_rate")),
        ("ECE (15 bins, temperature-scaled)", "ece_15", m.get("ece_15")),
        ("AUROC of ood_score (known vs other conditions)", "ood_auroc", (m.get("ood") or {}).get("auroc")),
        ("fitzpatrick skin-type accuracy gap", "fitzpatrick_skin_group_gap", m.get("fitzpatrick_skin_group_gap")),
    ]
    lines = ["| metric | test | 95 % CI (bootstrap over test photos) |", "|---|---|---|"]
    lines += [f"| {label} | {_pct(v)} | {_ci(m, key) or '-'} |" for label, key, v in rows]
    floor = m.get("ece_noise_floor")
    if floor:
        lines += ["", f"ECE has no bootstrap interval (binned ECE is biased upward on a few hundred photos). Instead: "
                      f"a perfectly calibrated model with these confidences would still show ECE {floor['median']:.3f} "
                      f"(median) and up to {floor['p95']:.3f} (95th percentile) on these {floor['n']} photos from "
                      f"sampling alone; a measured ECE under that cannot be told apart from perfect calibration."]
    lines += [
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


def _app_path_md(card: dict) -> list[str]:
    """What the app itself does with the test melanoma and BCC photos (`measure_app_path`), misses listed."""
    a = card.get("test_app_path")
    if not a:
        return []
    lines = ["", "## Melanoma and BCC through the app", "",
             f"Through the app's photo checks (no override, no red flags), {a['urgent']} of {a['n']} test melanoma and "
             f"basal cell carcinoma photos get `urgent`: {_pct(a['rate'])} (95 % CI {a['ci95'][0]:.3f} - "
             f"{a['ci95'][1]:.3f}); the figure above reads the scores alone. Statuses: "
             + ", ".join(f"{k} {v}" for k, v in a["by_status"].items()) + f". Measured by `{a['command']}`.", "",
             "| missed photo | status | urgency | score counted | mel + BCC before the checks | quality issues |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {m['source']}/{m['file']} | {m['status']} | {m['urgency']} | {_pct(m['malignancy_score'])} | "
              f"{m.get('scores_before_checks', float('nan')):.3f} | {', '.join(m['quality']) or '-'} |"
              for m in a["missed"]]
    return lines


def _unseen_md(card: dict) -> list[str]:
    """Headline test metrics on all test photos vs those with no near-duplicate in train or val."""
    u, m = card.get("test_metrics_unseen"), card.get("test_metrics", {})
    if not u:
        return []
    rows = [("accuracy", "accuracy"), ("macro-F1", "macro_f1"), ("top-3 accuracy", "top3_accuracy"),
            ("study-5 accuracy", "study5_accuracy"), ("melanoma recall", "melanoma_recall"),
            ("melanoma + BCC `urgent`", "malignant_urgent_rate"), ("ECE", "ece_15"),
            ("fitzpatrick skin-type gap", "fitzpatrick_skin_group_gap")]
    lines = ["", "## Test photos never seen in any form", "",
             f"{u['left_out']['known']} known-class test photos and {u['left_out']['other']} other-condition test photos "
             f"have a near-duplicate in train or val (the same photo re-cropped or re-encoded, or the same patient in "
             f"the same session; {u['rule']}). Without them, on the same weights, temperatures and thresholds:", "",
             f"| metric | all test photos (n={m.get('n')}) | without near-duplicates (n={u['n']}) | its 95 % CI |",
             "|---|---|---|---|"]
    lines += [f"| {label} | {_pct(m.get(key))} | {_pct(u.get(key))} | {_ci(u, key) or '-'} |" for label, key in rows]
    lines.append(f"| AUROC of ood_score | {_pct((m.get('ood') or {}).get('auroc'))} | {_pct(u.get('ood_auroc'))} | "
                 f"{_ci(u, 'ood_auroc') or '-'} |")
    return lines


def _photo_check_md(m: dict) -> list[str]:
    lines = [f"Skin photos refused on test: {_pct(m.get('skin_photos_rejected'))} (n={m.get('n')})."]
    for key, title in (("by_source", "Per source"), ("by_skin_group", "Per skin-type group")):
        if m.get(key):
            lines += ["", f"{title}: " + ", ".join(f"{k} {_pct(v['rejected'])} (n={v['n']})" for k, v in m[key].items())]
    if m.get("malignant_rejected"):
        r = m["malignant_rejected"]
        lines += ["", f"Melanoma and basal cell carcinoma photos refused: {r['rejected']} of {r['n']} (a refused photo "
                      "gets no cancer flag from the classifier unless blur or darkness may explain the refusal; the user's "
                      "red flags raise its urgency either way)."]
    if m.get("nonskin_accepted"):
        r = m["nonskin_accepted"]
        lines += ["", f"Pictures that are not skin let through (none used in fitting; the colour rule, then this check, as the app runs them): "
                      f"{r['accepted']} of {r['n']}; " + ", ".join(f"{k} {v['accepted']} of {v['n']}"
                                                                  for k, v in r["by_kind"].items()) + "."]
    if m.get("fresh_accepted"):
        r = m["fresh_accepted"]
        lines += ["", f"Real photos from GCompris ({r['what']}; {r['photos']} photos, 17 versions each, none used in "
                      f"fitting this check) let through: {r['accepted']} of "
                      f"{r['n']}; " + ", ".join(f"{k} {v['accepted']} of {v['n']}" for k, v in r["by_group"].items())
                  + ". Photos with any version let through: "
                  + (", ".join(f"`{p}`" for p in r["photos_let_through"]) or "none") + "."]
    return lines


def _rule_text(rule: dict) -> str:
    """An experiment's rule as "part True, part False, ..."."""
    return ", ".join(f"{k} {v}" for k, v in rule.items())


def to_markdown(card: dict) -> str:
    m = card.get("test_metrics", {})
    lines = [
        f"# Model card: `{card['name']}` ({card['task']})",
        "",
        card.get("description", ""),
        "",
        f"- **Family**: {card.get('family')}",
        f"- **Weights**: `{card['weights']}` (sha256 `{card.get('sha256')}`)",
        f"- **Input**: {card.get('input_size')} px RGB; preprocessing: {card.get('preprocessing')}",
        f"- **Classes (output order)**: {', '.join(card.get('classes', []))}",
        f"- **Initialisation**: {card.get('initialisation', 'n/a')}",
        f"- **Data**: {card.get('data', '')}",
        f"- **Split**: `{card.get('split')}` (seeded, stratified 70/15/15; metrics below are on the test split only)",
        f"- **Training command**: `{card.get('training_command')}`",
        f"- **Wall time / hardware**: {(card.get('training') or {}).get('wall_time_s')} s on {(card.get('training') or {}).get('hardware')}"
        + (f" (total of {len(card['training']['cycles'])} training cycles)" if len((card.get('training') or {}).get('cycles', [])) > 1 else ""),
        "",
        "## Test metrics",
        "",
    ]
    if card["task"] == "classification":
        lines += _classification_md(m)
        lines += _app_path_md(card)
        lines += _unseen_md(card)
    elif card["task"] == "photo_check":
        lines += _photo_check_md(m)
    else:
        lines += ["| metric | test |", "|---|---|"] + [
            f"| {k} | {_pct(v) if isinstance(v, (int, float)) else v} |" for k, v in m.items() if not isinstance(v, (list, dict))
        ]
    if card.get("gradcam_energy_in_lesion_ph2"):
        g = card["gradcam_energy_in_lesion_ph2"]
        lines += ["", f"Grad-CAM energy inside the expert lesion mask (PH2 test, n={g['n']}): {g['mean_share']:.3f} "
                      f"(chance level = mean mask area {g['chance_level_mean_mask_area']:.3f})."]
    if card.get("crop_experiment"):
        c = card["crop_experiment"]
        lines += ["", "## Lesion crop vs whole photo (default classifier, val split)", "",
                  f"- whole photo: accuracy {c['whole_photo']['val_accuracy']:.3f}, macro-F1 {c['whole_photo']['val_macro_f1']:.3f}",
                  f"- lesion crop: accuracy {c['lesion_crop']['val_accuracy']:.3f}, macro-F1 {c['lesion_crop']['val_macro_f1']:.3f}",
                  f"- kept: **{c['kept']}** (n={c['n_val']})"]
    if card.get("colour_constancy_experiment"):
        c = card["colour_constancy_experiment"]
        lines += ["", "## Colour constancy (Shades of Gray) vs none (val split)", "", c["what"] + ".", "",
                  f"- without: macro-F1 {c['without']['val_macro_f1']:.3f}, accuracy {c['without']['val_accuracy']:.3f}",
                  f"- Shades of Gray: macro-F1 {c['shades_of_gray']['val_macro_f1']:.3f}, "
                  f"accuracy {c['shades_of_gray']['val_accuracy']:.3f}",
                  f"- kept: **{c['kept']}**", f"- command: `{c['command']}`"]
    for e in (card.get("family_ensemble_experiment") or {}).values():
        lines += ["", f"## Cross-family ensemble with `{e['student']}` (val split)", ""]
        if e.get("weight_grid_val_macro_f1"):
            lines += [f"Logits + w x {e['student']}'s; val macro-F1 by w: "
                      + ", ".join(f"{w} {f:.3f}" for w, f in e["weight_grid_val_macro_f1"].items()) + ".", ""]
        else:
            lines += ["Logits + " + " + ".join(f"{w} x {n}'s" for n, w in e["student_weights"].items())
                      + " (weights searched on val).", ""]
        lines += [f"- val macro-F1 {k}: {v:.4f}" for k, v in e["val_macro_f1"].items()]
        lines += [f"- beats the Xception alone in {e['val_bootstrap_share_better']:.1%} of paired bootstrap resamples "
                  f"of the val photos; {e['rule']}",
                  f"- worth building into the app: **{'yes' if e['worth_building'] else 'no'}**",
                  f"- command: `{e['command']}`"]
        if e.get("val_split_half_gain"):
            g = e["val_split_half_gain"]
            lines += [f"- out of sample (weights chosen on one half of val, scored on the other, {g['n_splits']} "
                      f"splits): macro-F1 gain {g['mean']:+.4f} on average, positive in {g['share_positive']:.0%}"]
    for e in (card.get("end_to_end_experiment") or {}).values():
        lines += ["", "## The whole Xception fine-tuned end to end (val split)", "", e["what"] + ".", "",
                  "- val macro-F1 by epoch: " + ", ".join(f"{k} {v:.3f}" for k, v in e["val_macro_f1_by_epoch"].items())]
        lines += [f"- val macro-F1 {k}: {v:.4f}" for k, v in e["val_macro_f1"].items()]
        lines += [f"- beats {card['name']} in {v:.1%} of paired bootstrap resamples of the val photos ({k})"
                  for k, v in e["val_bootstrap_share_better"].items()]
        lines += [f"- {e['rule']}; kept: **{'yes' if e['kept'] else 'no'}**",
                  f"- command: `{e['command']}` ({e['wall_time_s']} s on {e['hardware']})"]
    if card.get("native_resolution_experiment"):
        e = card["native_resolution_experiment"]
        ens = e["ensemble_with_native_view"]
        lines += ["", "## A head trained on the photos at 382 px (val split)", ""]
        if e.get("history"):
            lines += ["- val macro-F1 by epoch (mirror TTA): "
                      + ", ".join(f"{h['epoch']} {h['val_macro_f1']:.3f}" for h in e["history"])]
        lines += [f"- val macro-F1 {k}: {v:.4f}" for k, v in e["val_macro_f1"].items()]
        lines += [f"- beats {card['name']} at 254 px in {v:.1%} of paired bootstrap resamples ({k})"
                  for k, v in e["val_bootstrap_share_better_than_254"].items()]
        lines += [f"- the mean with the 254 px view beats the multi-scale view in "
                  f"{e['val_bootstrap_share_mean_better_than_multiscale']:.1%} of resamples",
                  f"- in `family_ensemble` (students " + ", ".join(f"{n} x{w}" for n, w in ens["student_weights"].items())
                  + f", searched on val): val macro-F1 {ens['val_macro_f1']:.4f} against the committed "
                  f"{ens['committed_val_macro_f1']:.4f}, ahead in {ens['val_bootstrap_share_better_than_committed']:.1%} "
                  f"of resamples; out of sample {ens['val_split_half_gain_over_committed']['mean']:+.4f}",
                  f"- {e['rule']}; kept: **{'yes' if e['kept'] else 'no'}**", f"- command: `{e['command']}`"]
    if card.get("knn_memory_experiment"):
        e = card["knn_memory_experiment"]
        h = e["head_alone"]
        lines += ["", "## A k-NN memory of the train photos beside the head (val split)", "", f"- photos: {e['photos']}",
                  f"- the head alone: val macro-F1 {h['val_macro_f1']:.4f}, accuracy {h['val_accuracy']:.3f}, "
                  f"ECE {h['val_ece_15_after_temperature']:.3f}, OOD AUROC {h['val_ood_auroc']:.3f}"]
        for form, f in e["forms"].items():
            g = f["split_half_gain"]
            lines += [f"- {form} ({', '.join(f'{k} {v}' for k, v in f['settings'].items())}): val macro-F1 "
                      f"{f['val_macro_f1']:.4f}, accuracy {f['val_accuracy']:.3f}, ECE {f['val_ece_15_after_temperature']:.3f}, "
                      f"OOD AUROC {f['val_ood_auroc']:.3f}; ahead in {f['val_bootstrap_share_better']:.1%} of resamples; "
                      f"out of sample {g['mean']:+.4f}, positive in {g['share_positive']:.0%} of {g['n_splits']} splits"]
        w = e["split_half_gain_whole_search"]
        lines += [f"- the whole search out of sample: {w['mean']:+.4f}, positive in {w['share_positive']:.0%} of "
                  f"{w['n_splits']} splits",
                  f"- {e['rule']}; kept: **{'yes' if e['kept'] else 'no'}**",
                  f"- command: `{e['command']}` ({e['wall_time_s']} s on {e['hardware']}"
                  + ("; the features already cached" if e.get("features_were_cached") else "") + ")"]
    if card.get("learned_check_experiment"):
        e = card["learned_check_experiment"]
        lines += ["", "## A learned check in place of the density (not run by the app unless kept)", "",
                  "| check | cross-validation: held-out pictures let through | test skin photos refused | test melanoma "
                  "+ BCC refused | val skin photos as JPEG 50 refused | sample versions let through |", "|---|---|---|---|---|---|"]
        g = e["gaussian"]
        n_cv = next(iter(e["cross_validation"].values()))["n_nonskin"]
        rows = [("this density", g["cv_nonskin_accepted"], g)]
        rows += [(k.replace(" | ", ", ") + (" (chosen)" if k == e["chosen"] else ""),  # "features | C=": not a cell
                  e["cross_validation"][k]["nonskin_accepted"], f) for k, f in e["learned"].items()]
        lines += [f"| {name} | {cv} of {n_cv} | {_pct(f['test_skin_refused'])} | {f['test_malignant_refused']} | "
                  f"{_pct(f['val_jpeg50_refused'])} | {f['samples_accepted']} of {f['samples_n']} |" for name, cv, f in rows]
        lines += ["", f"- rule: {_rule_text(e['rule'])}; kept: **{'yes' if e['kept'] else 'no'}**",
                  f"- command: `{e['command']}` ({e['wall_time_s']} s)"]
    if card.get("learned_check_second_try"):
        e = card["learned_check_second_try"]
        lines += ["", "## A learned check, second try (its rule set before its figures)", "",
                  "| check | test skin photos refused | test melanoma + BCC refused | val skin photos darkened to 50 "
                  "refused | val JPEG 50 refused | fresh GCompris versions let through | val and test pictures let through |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {name} | {_pct(f['test_skin_refused'])} | {f['test_malignant_refused']} | "
                  f"{_pct(f['val_dark50_refused'])} | {_pct(f['val_jpeg50_refused'])} | {f['fresh_accepted']['accepted']} "
                  f"of {f['fresh_accepted']['n']} | {f['pictures_accepted']['accepted']} of {f['pictures_accepted']['n']} |"
                  for name, f in (("this density", e["gaussian"]), (e["chosen"].replace(" | ", ", ") + " (chosen)", e["learned"]))]
        lines += ["", f"- chosen on train and val alone, among the settings refusing at most 2 % of val JPEG-50 photos "
                      f"({len(e['eligible'])} of {len(e['cross_validation'])}), by fewest cross-validation pictures let through",
                  f"- rule: {_rule_text(e['rule'])}; kept: **{'yes' if e['kept'] else 'no'}**",
                  "- held-out pictures: the val and test pictures of `nonskin_photos.build()` (their kinds are like the "
                  "train pictures the learned check was fitted on; the fresh photos are new to both)",
                  f"- command: `{e['command']}` ({e['wall_time_s']} s)"]
    if card.get("selection"):
        e = card["selection"]
        later = "d_each_skin_type_at_most_2_5pct" in e["rule"]  # the fourth try replaced the second
        lines += ["", "## How this setting was chosen", "",
                  f"{e['chosen'].replace(' | ', ', ')}: among the {len(e['eligible'])} of nine settings (three feature "
                  f"sets x three C) refusing at most 2 % of val photos saved as JPEG 50, the one letting through the fewest "
                  f"pictures in a 5-fold cross-validation on train that holds out whole packages"
                  + (", stamp categories or GCompris resources" if later else " or stamp categories")
                  + ". The rule it passed to replace "
                  + ("the second try's check in the app: " if later else "`skin_photo_density` in the app: ")
                  + f"{_rule_text(e['rule'])}. See "
                  + ("the tries below." if later else "`skin_photo_density.md`.")]
    for key, title in (("animal_negatives_try", "Third try: real animal photos among the negatives"),
                       ("skin_type_weighted_try", "Fourth try: the same, with dark skin weighing as much as light")):
        if not card.get(key):
            continue
        e = card[key]
        lines += ["", f"## {title}", "",
                  "| check | test skin photos refused | of types I-II / III-IV / V-VI | test melanoma + BCC refused | val "
                  "darkened to 50 refused | val JPEG 50 refused | unseen GCompris versions let through | val and test "
                  "pictures let through | scikit-image's cat: versions let through |", "|---|---|---|---|---|---|---|---|---|"]
        for name, f, who in (("the second try (then in the app)", e["skin_photo_logistic"], "skin_photo_logistic"),
                             (e["chosen"].replace(" | ", ", ") + " (chosen)", e["candidate"], "candidate")):
            g = f["test_refused_by_skin_type"]
            lines.append(f"| {name} | {_pct(f['test_skin_refused'])} | "
                         + " / ".join(f"{v['refused']} of {v['n']}" for v in g.values())
                         + f" | {f['test_malignant_refused']} | {_pct(f['val_dark50_refused'])} | "
                         f"{_pct(f['val_jpeg50_refused'])} | {f['unseen_accepted']['accepted']} of {f['unseen_accepted']['n']} "
                         f"| {f['pictures_accepted']['accepted']} of {f['pictures_accepted']['n']} | "
                         f"{e['sample_versions_let_through'][who]['chelsea']} of 17 |")
        lines += ["", f"- rule: {_rule_text(e['rule'])}; kept: **{'yes' if e['kept'] else 'no'}**"
                  + (f" ({e['rule_note']})" if e.get("rule_note") else ""),
                  f"- command: `{e['command']}` ({e['wall_time_s']} s)"]
    if card.get("cycles_not_kept"):
        lines += ["", "## Training cycles tried and not kept (nothing beat the committed val macro-F1)", ""]
        lines += [f"- `{c['command']}` ({c['epochs']} epochs, {c['wall_time_s']} s): val macro-F1 peaked at "
                  f"{c['val_macro_f1_peak']:.4f} against {c['val_macro_f1_start']:.4f}"
                  + (f"; its weight soup (batch-norm re-estimated) scored {c['weight_soup']['val_macro_f1']:.4f}"
                     if c.get("weight_soup") else "") + (f" ({c['stopped']})" if c.get("stopped") else "")
                  for c in card["cycles_not_kept"]]
    if card.get("weight_soup"):
        w = card["weight_soup"]
        snaps = [m for m in w["members"] if m != "committed"]
        score = f"val macro-F1 {w['val_macro_f1']:.4f} against {w['val_macro_f1_committed']:.4f}"
        lines += ["", "## Weight soup", "",
                  (f"The committed weights averaged with epochs {', '.join(map(str, snaps))} of the last cycle: {score}. "
                   if snaps else "No snapshot of the last cycle raised val macro-F1 when averaged in, so these are the "
                   f"committed weights with re-estimated batch-norm statistics: {score}. ")
                  + f"Method: {w['method']}."]
    if card.get("members"):
        mem = card["members"]
        lines += ["", "## Members", "", f"- `{mem['base']}` x 1.0 (its heatmap is the ensemble's)"]
        lines += [f"- `{n}` x {w}" for n, w in mem["students"].items()]
        lines += ["", "Each member's sha256 is recorded; a retrained member is refused until the ensemble is rebuilt."]
    if card.get("ensemble"):
        e = card["ensemble"]
        lines += ["", "## Ensemble (chosen on val)", "",
                  f"- members: {', '.join(f'`{h}`' for h in e['heads'])}"
                  + (f", weights {', '.join(f'{w:.2f}' for w in e['weights'])}" if e.get("weights") else ""),
                  ]
        lines += [f"- val macro-F1 {k}: {v:.4f}" for k, v in e.get("val_macro_f1", {}).items()]
        lines += [f"- note: {e['note']}"] if e.get("note") else []
    if card.get("tta_choice"):
        choice = ", ".join(f"{k} {v:.4f}" for k, v in card["tta_choice"]["val_macro_f1"].items())
        if "tta_views" in card:
            n = card["tta_views"]
            lines += ["", f"Test-time augmentation: mean logits of **{n} view{'s' if n > 1 else ''}** "
                          f"(flips and quarter-turns; chosen on val macro-F1: {choice})."]
        else:
            lines += ["", f"Mirror TTA: **{'on' if card.get('tta', True) else 'off'}** (chosen on val macro-F1: {choice})."]
    if card.get("thresholds"):
        lines += ["", "## Decision thresholds" + (" and temperatures" if "temperature" in card else "") + " (chosen on val)", ""]
        lines += [f"- `{k}`: {v:.4f}" for k, v in card["thresholds"].items()]
        lines += [f"- `{k}`: {card[k]:.4f}" for k in ("temperature", "known_temperature") if k in card]
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


def _default_photo_check() -> str | None:
    from .registry import default_model  # the registry imports this module

    return default_model("photo_check")


def models_table(weights_dir: Path = WEIGHTS_DIR) -> str:
    """README table of every card's headline test metrics (so the README never drifts from the cards)."""
    rows = ["| model | task | test metrics (test split only) |", "|---|---|---|"]
    for path in sorted(weights_dir.glob("*.json")):
        card = json.loads(path.read_text())
        m = card.get("test_metrics", {})
        if card.get("task") == "classification":
            ood = (m.get("ood") or {}).get("auroc")
            acc_ci = _ci(m, "accuracy")
            text = (f"acc {_pct(m.get('accuracy'))}" + (f" (95 % CI {acc_ci})" if acc_ci else "") + f", macro-F1 {_pct(m.get('macro_f1'))}, top-3 {_pct(m.get('top3_accuracy'))}, "
                    f"study-5 acc {_pct(m.get('study5_accuracy'))}, melanoma recall {_pct(m.get('melanoma_recall'))}, "
                    f"mel+BCC urgent {_pct(m.get('malignant_urgent_rate'))}, ECE {_pct(m.get('ece_15'))}, OOD AUROC {_pct(ood)}, "
                    f"fitzpatrick gap {_pct(m.get('fitzpatrick_skin_group_gap'))}")
            u = card.get("test_metrics_unseen")
            if u:
                text += (f"; without the {u['left_out']['known']} known-class test photos that have a near-duplicate in "
                         f"train/val: acc {_pct(u.get('accuracy'))}, macro-F1 {_pct(u.get('macro_f1'))}, "
                         f"study-5 acc {_pct(u.get('study5_accuracy'))}")
        elif card.get("task") == "photo_check":
            mal = m.get("malignant_rejected") or {}
            ns, fr = m.get("nonskin_accepted") or {}, m.get("fresh_accepted") or {}
            text = (f"skin photos refused {_pct(m.get('skin_photos_rejected'))} (n={m.get('n')})"
                    + (f", melanoma + BCC photos refused {mal['rejected']} of {mal['n']}" if mal else "")
                    + (f", pictures that are not skin let through {ns['accepted']} of {ns['n']}" if ns else "")
                    + (f", real GCompris photos not used in fitting let through {fr['accepted']} of {fr['n']}"
                       if fr else "")
                    + (" (the check the app runs)" if card["name"] == _default_photo_check() else ""))
        else:
            text = (f"PH2 mean IoU {_pct(m.get('mean_iou'))}, Dice {_pct(m.get('dice'))}, "
                    f"thresholded Jaccard {_pct(m.get('thresholded_jaccard'))}")
        rows.append(f"| [`{card['name']}`](weights/{card['name']}.md) | {card['task']} | {text} |")
    return "\n".join(rows)


def update_readme(readme: Path | None = None) -> None:
    """Rewrite the block between `<!-- models-table -->` markers in README.md from the cards."""
    from .config import REPO_ROOT

    readme = readme or REPO_ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- models-table -->", "<!-- /models-table -->"
    if end not in text:
        text = text.replace(start, f"{start}\n{end}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{models_table()}\n{end}{tail}")


if __name__ == "__main__":  # python -m skin_core.cards -> refresh every card's Markdown and the README table
    for p in sorted(WEIGHTS_DIR.glob("*.json")):
        write_card(json.loads(p.read_text()))
    update_readme()
