import re

import numpy as np
import pytest
import skimage.data

from skin_core import data, images, knowledge, pipeline, registry, robustness
from skin_core.data import CLASSES
from tests.app.helpers import CANCER, CONFIDENT, real_record
from tests.conftest import needs_data

pytestmark = pytest.mark.slow


def _sk(name):
    a = getattr(skimage.data, name)()
    return np.ascontiguousarray(np.stack([a] * 3, -1) if a.ndim == 2 else a[..., :3])


@needs_data
def test_analyze_real_photo_fills_every_slot():
    rec = [r for r in data.read_manifest() if r.split == "test" and r.label == "psoriasis"][0]
    a = pipeline.analyze(rec.path().read_bytes())
    assert a.status in ("ok", "uncertain", "out_of_scope")
    assert set(a.probabilities) == set(CLASSES) and abs(sum(a.probabilities.values()) - 1) < 1e-6
    assert [c for c, _ in a.top3] == sorted(a.probabilities, key=a.probabilities.get, reverse=True)[:3]
    assert a.segmentation is not None and a.segmentation.mask.shape == a.image.shape[:2]
    assert a.heatmap is not None and a.heatmap.shape == a.image.shape[:2] and a.heatmap.std() > 0.01
    assert a.memo is not None and a.memo.disclaimer
    d = a.to_dict()
    assert d["model"] == registry.default_model() and d["label"] == (a.label if a.status in ("ok", "uncertain") else None)


@needs_data
def test_melanoma_and_bcc_photos_are_flagged_urgent():
    card = registry.read_card(registry.default_model())
    recs = [r for r in data.read_manifest() if r.split == "test" and r.label in ("melanoma", "basal_cell_carcinoma")]
    recs = recs[::4]
    urgent = [pipeline.analyze(r.path().read_bytes(), allow_poor_quality=True, segment=False).urgency == "urgent"
              for r in recs]
    assert np.mean(urgent) >= card["test_metrics"]["malignant_urgent_rate"] - 0.1
    # a melanoma the default model is sure of (p > 0.99): flagged urgent, with the English banner
    a = pipeline.analyze(real_record(*CANCER).path().read_bytes(), segment=False)
    assert a.urgency == "urgent", (a.status, a.top3)
    assert a.cancer_banner == knowledge.cancer_banner("en") and a.cancer_banner["title"]


@pytest.mark.parametrize("name", ["chelsea", "coffee", "text", "rocket", "page"])
def test_non_skin_photos_never_get_a_condition(name):
    a = pipeline.analyze(_sk(name))
    assert a.status in ("not_skin", "out_of_scope"), (name, a.status, a.top3, a.ood_score)
    assert a.to_dict()["label"] is None


HANGUL = re.compile("[\uac00-\ud7a3]")


@needs_data
def test_korean_memo_and_banner():
    a = pipeline.analyze(real_record(*CANCER).path().read_bytes(), lang="ko", segment=False, explain_heatmap=False)
    assert a.lang == "ko"
    assert a.urgency == "urgent", (a.status, a.top3)
    assert a.memo is not None and a.memo.lang == "ko" and a.memo.condition == CANCER[0]
    assert a.memo == knowledge.memo(a.memo.condition, "ko")
    assert HANGUL.search(a.memo.name) and HANGUL.search(a.memo.summary) and HANGUL.search(a.memo.to_text())
    assert a.cancer_banner == knowledge.cancer_banner("ko")
    assert HANGUL.search(a.cancer_banner["title"]) and a.cancer_banner != knowledge.cancer_banner("en")


def test_unreadable_input_raises_clear_error():
    with pytest.raises(images.InvalidImageError):
        pipeline.analyze(b"definitely not an image")


@needs_data
def test_every_message_follows_the_language():
    """`message` (what the CLI's JSON carries) is in the language asked for, for each status that has one."""
    photo = images.load_image(real_record(*CONFIDENT).path())
    cases = {"not_skin": _sk("coffee"), "poor_quality": robustness.brightness(photo, 0.3)}
    for status, rgb in cases.items():
        en, ko = (pipeline.analyze(rgb, lang=lang, segment=False, explain_heatmap=False) for lang in ("en", "ko"))
        assert en.status == ko.status == status, (status, en.status)
        assert en.message and not HANGUL.search(en.message) and HANGUL.search(ko.message), (status, ko.message)
    for reason in ("uncertain", "out_of_scope"):  # the classifier's own statuses, on a decision built for it
        dec = pipeline.decisions.Decision(reason, None, "soon", 0.0, "english")
        assert HANGUL.search(pipeline._message(dec, None, "ko")) and pipeline._message(dec, None, "en") == "english"


@needs_data
def test_a_tiny_photo_refused_by_the_photo_check_is_told_its_size_may_be_why():
    """A real lesion shrunk to 40 px is beyond the photo check's reading: it is refused, never classified, and the
    screen says the size may be the reason instead of only "this does not look like skin"."""
    from PIL import Image

    from skin_core import ui_helpers
    from skin_core.i18n import t

    tiny = np.asarray(Image.fromarray(images.load_image(real_record(*CANCER).path())).resize((40, 40)))
    a = pipeline.analyze(tiny, segment=False, explain_heatmap=False)
    assert a.status == "not_skin" and a.to_dict()["label"] is None, (a.status, a.message)
    assert "too_small" in {i.code for i in a.quality.issues}
    for lang in ("en", "ko"):
        body = ui_helpers.status_screen(a, lang).body
        assert body == t("status.not_skin.body_small", lang, w=40, h=40) and "40 x 40" in body
    cat = _sk("chelsea")  # a cat at full size: the usual not-skin screen
    assert ui_helpers.status_screen(pipeline.analyze(cat, segment=False), "en").body == t("status.not_skin.body", "en")
