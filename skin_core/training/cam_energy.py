"""Share of Grad-CAM energy inside the expert lesion mask on PH2 test images (does the model look at the lesion?).

    python -m skin_core.training.cam_energy [--model xception_derm]
Writes `gradcam_energy_in_lesion_ph2` (mean, and the mask's mean area share as the chance level) into the card.
"""
from __future__ import annotations

import argparse

import numpy as np
from PIL import Image

from .. import cards, data, explain, images, registry


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="xception_derm")
    args = ap.parse_args(argv)
    recs = data.select(data.read_manifest(), split="test", sources=["ph2"])
    shares, areas = [], []
    clf = registry.load_model(args.model)
    for r in recs:
        rgb = images.load_image(r.path())
        out = clf.predict_photos([rgb], tta=False)
        cam = out.cam[0] if out.cam is not None else clf.gradcam(clf.prepare(rgb)[None], int(out.probabilities[0].argmax()))[0]
        gt = np.asarray(Image.open(data.ph2_mask_path(r)).convert("L")) > 127
        shares.append(explain.energy_inside(explain.upsample(cam, *gt.shape), gt))
        areas.append(float(gt.mean()))
    card = cards.read_card(args.model)
    card["gradcam_energy_in_lesion_ph2"] = {"n": len(shares), "mean_share": float(np.mean(shares)),
                                            "chance_level_mean_mask_area": float(np.mean(areas))}
    cards.write_card(card)
    print(card["gradcam_energy_in_lesion_ph2"])


if __name__ == "__main__":
    main()
