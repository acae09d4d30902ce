"""The one translation table for UI strings (app pages, charts and the PDF): `t(key, lang, **fmt)`.

Condition names and memo text come from `skin_core.knowledge` (`class_name` below reads the memo's `name`);
everything else a person reads in the app lives here, in English and Korean. A missing key raises KeyError
(tests scan the pages for every key they use), a missing language falls back to English.
"""
from __future__ import annotations

from functools import lru_cache

from .data import CLASSES, STUDY_CLASSES
from .images import FORMAT_NAMES, FORMATS_TEXT, MAX_ASPECT, MAX_MB, MIN_SIDE

LANGS = ("en", "ko")
NOT_AVAILABLE = "–"  # a figure that does not exist, in either language
_N = len(CLASSES)
_N_STUDY = len(STUDY_CLASSES)
_FORMATS_KO = f"{', '.join(FORMAT_NAMES[:-1])} 또는 {FORMAT_NAMES[-1]}"
LANG_NAMES = {"en": "English", "ko": "한국어"}

STRINGS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ app shell
    "app.tagline": {
        "en": "Educational skin-photo analysis. Not a diagnosis.",
        "ko": "교육용 피부 사진 분석 도구입니다. 진단이 아닙니다.",
    },
    "nav.analyze": {"en": "Analyze", "ko": "분석"},
    "nav.what_if": {"en": "What if", "ko": "가정 실험"},
    "nav.model_report": {"en": "Model report", "ko": "모델 보고서"},
    "nav.conditions": {"en": "Conditions", "ko": "질환 정보"},
    "nav.about": {"en": "About & safety", "ko": "소개 및 안전"},
    "sidebar.privacy": {
        "en": "Photos stay in memory for this session only; they are never written to disk.",
        "ko": "사진은 이 세션 동안 메모리에만 있으며 디스크에 저장되지 않습니다.",
    },
    # ------------------------------------------------------------------ analyze: input
    "analyze.title": {"en": "Analyze a skin photo", "ko": "피부 사진 분석"},
    "analyze.intro": {
        "en": "Upload a close, sharp, well-lit photo of one skin problem. SkinLens checks the photo, outlines the "
              "lesion, estimates which of {n} conditions it looks like, and tells you how soon to see a doctor.",
        "ko": "피부 문제 한 곳을 가까이서 선명하고 밝게 찍은 사진을 올려 주세요. SkinLens는 사진 상태를 확인하고, "
              "병변의 윤곽을 그리고, {n}가지 질환 중 어느 것과 닮았는지 추정한 뒤, 언제 진료를 받아야 하는지 알려 줍니다.",
    },
    "input.source": {"en": "Photo source", "ko": "사진 가져오기"},
    "input.upload": {"en": "Upload a photo", "ko": "사진 올리기"},
    "input.camera": {"en": "Take a photo", "ko": "사진 찍기"},
    "input.sample": {"en": "Try a sample", "ko": "예시 사진"},
    "input.uploader": {"en": f"Photo ({FORMATS_TEXT}, up to {MAX_MB} MB)", "ko": f"사진 ({_FORMATS_KO}, 최대 {MAX_MB}MB)"},
    "input.camera_label": {"en": "Point the camera at the skin problem", "ko": "피부 문제 부위에 카메라를 맞춰 주세요"},
    # Streamlit's own button words (English only in Streamlit): ui_helpers.widget_words_css puts these in their place
    "input.browse_button": {"en": "Upload", "ko": "파일 선택"},
    "input.take_button": {"en": "Take Photo", "ko": "사진 찍기"},
    "input.clear_button": {"en": "Clear photo", "ko": "사진 지우기"},
    "input.sample_label": {"en": "Sample photo (one the models never trained on)", "ko": "예시 사진(모델이 학습하지 않은 사진)"},
    "input.sample_help": {
        "en": "Photos the models never trained on (the test split), named by the atlas's diagnosis. The models get "
              "some of them wrong, and that is part of what they show.",
        "ko": "모델이 학습에 쓰지 않은 사진(테스트 데이터)이며, 이름은 도감의 진단명입니다. 모델이 일부는 틀리게 "
              "답하며, 그것도 이 예시들이 보여 주는 내용입니다.",
    },
    "input.sample_item": {"en": "{name}, sample {i}", "ko": "{name}, 예시 {i}"},
    "input.no_samples": {
        "en": "Sample photos need the data folder, which is not present here. Upload a photo instead.",
        "ko": "예시 사진을 보려면 데이터 폴더가 필요하지만 여기에는 없습니다. 대신 사진을 올려 주세요.",
    },
    "input.waiting": {
        "en": f"Add a photo to begin. A file over {MAX_MB} MB is refused by the uploader: it gets a red mark beside "
              "its name and nothing is analysed, so use a smaller photo.",
        "ko": f"시작하려면 사진을 추가하세요. {MAX_MB}MB가 넘는 파일은 업로드 창에서 거부되어 파일 이름 옆에 빨간 표시가 "
              "생기고 분석되지 않으니, 더 작은 사진을 사용해 주세요.",
    },
    "input.waiting.camera": {
        "en": "Take a photo to begin: allow the camera when the browser asks, hold it close to the skin problem in "
              "good light, then press the button under the preview.",
        "ko": "시작하려면 사진을 찍으세요. 브라우저가 물으면 카메라를 허용하고, 밝은 곳에서 피부 문제 부위에 가까이 댄 뒤 "
              "미리보기 아래 버튼을 누르세요.",
    },
    "input.waiting.sample": {"en": "Pick a sample photo to begin.", "ko": "시작하려면 예시 사진을 고르세요."},
    "model.select": {"en": "Classifier", "ko": "분류 모델"},
    "model.option": {"en": "{name} (test accuracy {acc})", "ko": "{name} (테스트 정확도 {acc})"},
    "model.option_default": {"en": "{name} (default, test accuracy {acc})", "ko": "{name} (기본, 테스트 정확도 {acc})"},
    "model.option_unseen": {"en": "{name} ({acc} on unseen photos)", "ko": "{name} (새 사진 정확도 {acc})"},
    "model.option_default_unseen": {"en": "{name} (default, {acc} on unseen photos)",
                                    "ko": "{name} (기본, 새 사진 정확도 {acc})"},
    "model.select_help": {
        "en": "The percentage next to each model is its accuracy on test photos it never saw in training (photos "
              "with a near-duplicate in the training data left out), from its model card. The Model report page has "
              "the full figures.",
        "ko": "모델 이름 옆의 백분율은 학습 때 보지 못한 테스트 사진(학습 데이터와 거의 같은 사진은 제외)에서 측정한 "
              "정확도로, 모델 카드에서 가져왔습니다. 자세한 수치는 모델 보고서 페이지에 있습니다.",
    },
    "model.none": {
        "en": "No trained classifier is available yet (weights/ is empty). Train one or copy the weights in.",
        "ko": "아직 학습된 분류 모델이 없습니다(weights/ 폴더가 비어 있음). 모델을 학습하거나 가중치를 복사해 주세요.",
    },
    "analyze.red_flags": {"en": "Does any of this apply? (optional)", "ko": "해당하는 것이 있나요? (선택)"},
    "analyze.red_flags_help": {
        "en": "What you tell us can only make the advice more urgent; the photo is not analysed again.",
        "ko": "알려 주신 내용은 진료 권고를 더 급하게만 바꿀 수 있으며, 사진을 다시 분석하지는 않습니다.",
    },
    "analyze.red_flags_none": {"en": "None of these", "ko": "해당 없음"},
    "analyze.compare": {"en": "Compare all models on this photo", "ko": "이 사진에 모든 모델 비교하기"},
    # ------------------------------------------------------------------ analyze: progress and errors
    "progress.title": {"en": "Analysing the photo...", "ko": "사진을 분석하는 중..."},
    "progress.read": {"en": "Reading the photo", "ko": "사진 읽는 중"},
    "progress.model": {"en": "Loading the model {name}", "ko": "모델 {name} 불러오는 중"},
    "progress.analyze": {
        "en": "Checking quality, outlining, classifying, explaining",
        "ko": "품질 확인, 윤곽 찾기, 분류, 설명 만드는 중",
    },
    "progress.done": {"en": "Done in {seconds:.1f} s", "ko": "{seconds:.1f}초 만에 완료"},
    "progress.failed": {"en": "Stopped (the reason is below)", "ko": "중단됨 (이유는 아래에 있습니다)"},
    "progress.compare": {"en": "Running {name}", "ko": "{name} 실행 중"},
    "error.image": {"en": "**Cannot analyse this file.** {msg}", "ko": "**이 파일은 분석할 수 없습니다.** {msg}"},
    "error.unexpected": {
        "en": "Something went wrong while analysing this photo ({msg}). Please try another photo.",
        "ko": "사진을 분석하는 중 문제가 생겼습니다({msg}). 다른 사진으로 다시 시도해 주세요.",
    },
    "image_error.invalid_image": {"en": "This file cannot be read as a photo.", "ko": "이 파일은 사진으로 읽을 수 없습니다."},
    "image_error.missing_file": {"en": "No such file.", "ko": "파일이 없거나 일반 파일이 아닙니다(폴더나 장치 등)."},
    "image_error.empty": {"en": "The file is empty.", "ko": "파일이 비어 있습니다."},
    "image_error.too_large": {
        "en": f"The file is too large. Please use a photo under {MAX_MB} MB.",
        "ko": f"파일이 너무 큽니다. {MAX_MB}MB 이하의 사진을 사용해 주세요.",
    },
    "image_error.unsupported_format": {
        "en": f"This is not a supported image. Please upload a {FORMATS_TEXT} photo.",
        "ko": f"지원하지 않는 파일입니다. {_FORMATS_KO} 사진을 올려 주세요.",
    },
    "image_error.too_large.sized": {
        "en": "The file is {mb} MB; the limit is {limit} MB. Please use a smaller photo.",
        "ko": "파일이 {mb}MB로 {limit}MB 한도를 넘습니다. 더 작은 사진을 사용해 주세요.",
    },
    "image_error.corrupt": {
        "en": "The image file is damaged and cannot be read.",
        "ko": "이미지 파일이 손상되어 읽을 수 없습니다.",
    },
    "image_error.too_many_pixels": {
        "en": "The image has too many pixels to be processed safely.",
        "ko": "이미지의 픽셀 수가 너무 많아 안전하게 처리할 수 없습니다.",
    },
    "image_error.too_many_pixels.sized": {
        "en": "The image is {w}x{h} pixels, more than the {limit} megapixel limit. Please use a smaller photo.",
        "ko": "이미지가 {w} x {h} 픽셀로 {limit}메가픽셀 한도를 넘습니다. 더 작은 사진을 사용해 주세요.",
    },
    "image_error.too_small.sized": {
        "en": "The image is only {w}x{h} pixels; at least {min}x{min} is needed.",
        "ko": "이미지가 {w} x {h} 픽셀로 너무 작습니다. 최소 {min} x {min} 픽셀이 필요합니다.",
    },
    "image_error.too_small": {
        "en": f"The image is too small; at least {MIN_SIDE} x {MIN_SIDE} pixels are needed.",
        "ko": f"이미지가 너무 작습니다. 최소 {MIN_SIDE} x {MIN_SIDE} 픽셀이 필요합니다.",
    },
    "image_error.aspect_ratio.sized": {
        "en": "The image is {w}x{h} pixels, a long strip rather than a photo; please upload a photo no more than "
              f"{MAX_ASPECT:.0f} times longer than it is wide.",
        "ko": "이미지가 {w} x {h} 픽셀의 긴 띠 모양이라 사진으로 보기 어렵습니다. 긴 쪽이 짧은 쪽의 "
              f"{MAX_ASPECT:.0f}배를 넘지 않는 사진을 올려 주세요.",
    },
    "image_error.aspect_ratio": {
        "en": "The image is a long strip rather than a photo; please upload a photo of the skin problem.",
        "ko": "이미지가 사진이 아니라 긴 띠 모양입니다. 피부 문제 부위의 사진을 올려 주세요.",
    },
    # ------------------------------------------------------------------ quality
    "quality.too_small": {
        "en": "The photo is small ({w}x{h}); details may be lost.",
        "ko": "사진이 작습니다({w}x{h}). 세부 모습이 보이지 않을 수 있습니다.",
    },
    "quality.blurry": {
        "en": "The photo looks blurry. Hold the camera steady and focus on the skin.",
        "ko": "사진이 흐릿합니다. 카메라를 흔들리지 않게 잡고 피부에 초점을 맞춰 주세요.",
    },
    "quality.too_dark": {
        "en": "The photo is too dark. Use daylight or a bright room, without flash glare.",
        "ko": "사진이 너무 어둡습니다. 플래시 반사 없이 햇빛이나 밝은 실내에서 찍어 주세요.",
    },
    "quality.too_bright": {
        "en": "The photo is overexposed. Avoid direct flash or strong sunlight.",
        "ko": "사진이 너무 밝습니다. 직접 플래시나 강한 햇빛을 피해 주세요.",
    },
    "quality.not_skin": {
        "en": "This does not look like a photo of skin. Take a close, well-lit photo of the skin problem.",
        "ko": "피부 사진으로 보이지 않습니다. 피부 문제 부위를 가까이서 밝게 찍어 주세요.",
    },
    # ------------------------------------------------------------------ one-line reasons (Analysis.message, CLI JSON)
    "reason.uncertain": {
        "en": "The model is not sure; see the differential below.",
        "ko": "모델이 확신하지 못합니다. 아래 감별 진단 후보를 보세요.",
    },
    "reason.out_of_scope": {
        "en": "This looks like none of the conditions the model knows.",
        "ko": "모델이 아는 질환 중 어느 것과도 닮지 않았습니다.",
    },
    "reason.not_skin_photo": {
        "en": "This does not look like a close-up photo of skin (it is unlike every skin photo the models were "
              "built on). Take a close, well-lit photo of the skin problem.",
        "ko": "피부를 가까이 찍은 사진으로 보이지 않습니다(모델이 학습한 어떤 피부 사진과도 다릅니다). "
              "피부 문제 부위를 가까이서 밝게 찍어 주세요.",
    },
    "quality.override": {
        "en": "Analyse anyway (the result may be less reliable)",
        "ko": "그래도 분석하기 (결과의 신뢰도가 낮을 수 있습니다)",
    },
    "quality.overridden": {
        "en": "Quality warnings were overridden: {reasons}",
        "ko": "품질 경고를 무시하고 분석했습니다: {reasons}",
    },
    # ------------------------------------------------------------------ status screens
    "status.ok.title": {"en": "Looks most like: {name}", "ko": "가장 비슷한 질환: {name}"},
    "status.ok.body": {
        "en": "Calibrated probability {p}. A photo can suggest, never diagnose: the memo below says when to see a doctor.",
        "ko": "보정된 확률 {p}. 사진은 가능성을 보여 줄 뿐 진단할 수 없습니다. 아래 안내에서 언제 진료를 받아야 하는지 확인하세요.",
    },
    "status.uncertain.title": {"en": "The model is not sure", "ko": "모델이 확신하지 못합니다"},
    "status.uncertain.body": {
        "en": "It cannot tell these conditions apart on this photo, so it gives no single answer. The closest "
              "matches are listed below; please have a clinician look at it.",
        "ko": "이 사진으로는 질환들을 구별하지 못해 하나의 답을 내지 않습니다. 가장 가까운 후보를 아래에 보여 드리니, "
              "의료진에게 진찰을 받아 보세요.",
    },
    "status.out_of_scope.title": {
        "en": "Not one of the conditions this model knows",
        "ko": "이 모델이 아는 질환이 아닙니다",
    },
    "status.out_of_scope.body_banner": {
        "en": "This may be a skin condition the model was not trained on, so it will not guess a name. Follow the "
              "warning above: have a doctor look at this spot.",
        "ko": "모델이 학습하지 않은 피부 질환일 수 있어 이름을 추측하지 않습니다. 위의 경고대로 이 부위를 의사에게 "
              "보여 주세요.",
    },
    "status.out_of_scope.body": {
        "en": "This may be a skin condition the model was not trained on, so it will not guess a name. "
              "That is not reassurance: if you are worried, see a doctor.",
        "ko": "모델이 학습하지 않은 피부 질환일 수 있어 이름을 추측하지 않습니다. 괜찮다는 뜻은 아니니, "
              "걱정된다면 진료를 받으세요.",
    },
    "status.not_skin.title": {"en": "This does not look like a photo of skin", "ko": "피부 사진으로 보이지 않습니다"},
    "status.not_skin.body": {
        "en": "Nothing was classified. Take a close, sharp photo of the skin problem in good light, filling most "
              "of the frame with skin.",
        "ko": "분류하지 않았습니다. 밝은 곳에서 피부 문제 부위를 가까이 선명하게, 화면 대부분이 피부가 되도록 찍어 주세요.",
    },
    "status.not_skin.title_blurry": {
        "en": "Too blurry to tell whether this is skin",
        "ko": "너무 흐려서 피부 사진인지 알 수 없습니다",
    },
    "status.not_skin.body_blurry": {
        "en": "Nothing was classified. The photo is so blurred that the check cannot tell skin from other things. "
              "Hold the camera steady, tap the skin problem to focus, and take the photo again in good light.",
        "ko": "분류하지 않았습니다. 사진이 너무 흐려 피부인지 다른 것인지 구별할 수 없습니다. 카메라를 흔들리지 않게 잡고, "
              "피부 문제 부위를 눌러 초점을 맞춘 뒤 밝은 곳에서 다시 찍어 주세요.",
    },
    "status.not_skin.body_urgent": {
        "en": "No condition is named: the photo is too blurred or dark to be sure it shows skin. But if it is a "
              "spot on your skin, even its rough scores point to a possible skin cancer (the warning above): please "
              "have a doctor look at it. A sharp, well-lit photo would let SkinLens say more, but it cannot replace "
              "that visit.",
        "ko": "사진이 너무 흐리거나 어두워서 피부 사진인지 확신할 수 없어 질환 이름을 말하지 않습니다. 하지만 피부의 "
              "점이나 병변이라면, 대략적인 점수만으로도 피부암 가능성이 보입니다(위 경고). 의사에게 보여 주세요. 선명하고 밝은 "
              "사진이면 SkinLens가 더 말할 수 있지만, 진료를 대신할 수는 없습니다.",
    },
    "status.not_skin.title_dark": {
        "en": "Too dark to tell whether this is skin",
        "ko": "너무 어두워서 피부 사진인지 알 수 없습니다",
    },
    "status.not_skin.body_dark": {
        "en": "Nothing was classified. The photo is so dark that the check cannot tell skin from other things. Take "
              "it again in daylight or a bright room, without flash glare, close to the skin problem.",
        "ko": "분류하지 않았습니다. 사진이 너무 어두워 피부인지 다른 것인지 구별할 수 없습니다. 플래시 반사 없이 햇빛이나 "
              "밝은 실내에서 피부 문제 부위를 가까이 다시 찍어 주세요.",
    },
    "status.not_skin.body_small": {
        "en": "Nothing was classified. The photo is only {w} x {h} pixels, too small to tell skin from other things "
              "reliably: take a closer, larger photo of the skin problem in good light.",
        "ko": "분류하지 않았습니다. 사진이 {w} x {h} 픽셀로 너무 작아 피부인지 확실히 판단할 수 없습니다. 밝은 곳에서 피부 문제 "
              "부위를 더 가까이, 더 큰 사진으로 찍어 주세요.",
    },
    "status.poor_quality.title": {
        "en": "The photo is not good enough to analyse",
        "ko": "사진 상태가 분석하기에 충분하지 않습니다",
    },
    "status.poor_quality.body_urgent": {
        "en": "No condition is named for a photo like this, but even its rough scores point to a possible skin "
              "cancer (the warning above): please see a doctor, and do not rely on a retaken photo instead.",
        "ko": "이런 사진으로는 질환 이름을 말하지 않지만, 대략적인 점수만으로도 피부암 가능성이 보입니다(위 경고). "
              "사진을 다시 찍는 것으로 대신하지 말고 진료를 받으세요.",
    },
    "status.poor_quality.body": {
        "en": "Nothing was classified. Retake the photo, or analyse it anyway if the problems below are minor.",
        "ko": "분류하지 않았습니다. 사진을 다시 찍거나, 아래 문제가 사소하다면 그래도 분석할 수 있습니다.",
    },
    "status.error.title": {"en": "The photo could not be analysed", "ko": "사진을 분석할 수 없습니다"},
    "status.error.body": {"en": "Please try another photo.", "ko": "다른 사진으로 다시 시도해 주세요."},
    "status.name.ok": {"en": "answered", "ko": "답을 냄"},  # not "confident": an answer at 42 % is not confidence
    "status.name.uncertain": {"en": "uncertain", "ko": "불확실"},
    "status.name.out_of_scope": {"en": "not a known condition", "ko": "알 수 없는 질환"},
    "status.name.not_skin": {"en": "not skin", "ko": "피부 아님"},
    "status.name.not_skin_blurry": {"en": "too blurry to tell", "ko": "너무 흐려 판단 불가"},
    "status.name.not_skin_dark": {"en": "too dark to tell", "ko": "너무 어두워 판단 불가"},
    "status.name.poor_quality": {"en": "poor photo quality", "ko": "사진 품질 낮음"},
    "status.name.error": {"en": "error", "ko": "오류"},
    # ------------------------------------------------------------------ results
    "result.photo": {"en": "Lesion outline", "ko": "병변 윤곽"},
    "result.view": {"en": "Show", "ko": "표시"},
    "result.view.outline": {"en": "Outline", "ko": "윤곽선"},
    "result.view.mask": {"en": "Filled mask", "ko": "채운 영역"},
    "result.view.none": {"en": "Photo only", "ko": "사진만"},
    "result.mask_opacity": {"en": "Mask opacity", "ko": "영역 불투명도"},
    "result.photo_alt.outline": {
        "en": "The uploaded skin photo with the lesion outline drawn in cyan.",
        "ko": "병변 윤곽을 청록색 선으로 표시한 업로드 사진.",
    },
    "result.photo_alt.mask": {
        "en": "The uploaded skin photo with the lesion area filled in colour.",
        "ko": "병변 영역을 색으로 채워 표시한 업로드 사진.",
    },
    "result.photo_alt.none": {
        "en": "The uploaded skin photo, nothing drawn on it.",
        "ko": "아무것도 표시하지 않은 업로드 사진.",
    },
    "result.photo_caption": {"en": "Your photo, as analysed ({w}x{h} px)", "ko": "분석한 사진 ({w}x{h} 픽셀)"},
    "result.seg.ok": {
        "en": "Lesion outline from the segmentation model (trained on dermoscopy images: on an ordinary photo it is "
              "approximate and may outline only part of the problem).",
        "ko": "분할 모델이 그린 병변 윤곽입니다(더모스코피 이미지로 학습한 모델이라 일반 사진에서는 대략적이며 문제 부위의 일부만 "
              "표시할 수 있습니다).",
    },
    "result.seg.fallback": {
        "en": "Approximate outline: the segmentation model's own outline was not usable on this photo, so this is "
              "the most lesion-like region near the centre.",
        "ko": "대략적인 윤곽입니다. 분할 모델의 윤곽을 이 사진에서 쓸 수 없어, 가운데 쪽에서 가장 병변처럼 보이는 부위를 "
              "표시했습니다.",
    },
    "result.seg.none": {"en": "No lesion outline could be found reliably.", "ko": "병변 윤곽을 안정적으로 찾지 못했습니다."},
    "result.abc": {"en": "Shape measurements (from the outline)", "ko": "모양 측정값 (윤곽 기준)"},
    "result.abc.caveat": {
        "en": "Measured on the approximate outline, for teaching the ABCD idea. These numbers cannot show that a spot "
              "is harmless: a normal-looking value never rules out melanoma.",
        "ko": "대략적인 윤곽에서 잰 값으로, ABCD 개념을 설명하기 위한 것입니다. 이 숫자로 점이 무해하다고 판단할 수 없으며, 정상처럼 "
              "보이는 값도 흑색종을 배제하지 못합니다.",
    },
    "result.abc.area_fraction": {"en": "Share of the photo", "ko": "사진에서 차지하는 비율"},
    "result.abc.asymmetry": {"en": "Asymmetry (0 = symmetric)", "ko": "비대칭 (0 = 대칭)"},
    "result.abc.border_irregularity": {"en": "Border irregularity (1 = circle)", "ko": "경계 불규칙성 (1 = 원)"},
    "result.abc.solidity": {"en": "Solidity (1 = convex)", "ko": "충실도 (1 = 볼록)"},
    "result.abc.colour_variegation": {"en": "Colour variation (0 = uniform)", "ko": "색 다양성 (0 = 균일)"},
    "result.heatmap": {"en": "Grad-CAM heatmap", "ko": "Grad-CAM 히트맵"},
    "result.heat_opacity": {"en": "Heatmap opacity", "ko": "히트맵 불투명도"},
    "result.colormap": {"en": "Colours", "ko": "색상"},
    "result.colormap.jet": {"en": "Rainbow (jet)", "ko": "무지개 (jet)"},
    "result.colormap.viridis": {"en": "Viridis (colour-blind safe)", "ko": "Viridis (색각 이상 친화)"},
    "result.colormap.cividis": {"en": "Cividis (colour-blind safe)", "ko": "Cividis (색각 이상 친화)"},
    "result.heat_alt": {
        "en": "Heatmap over the photo: warmer or brighter areas influenced the prediction most.",
        "ko": "사진 위 히트맵: 더 밝거나 따뜻한 색의 영역이 예측에 가장 큰 영향을 주었습니다.",
    },
    "result.heat_caption.jet": {
        "en": "Red = most influence on the answer, blue = least. It shows attention, not the disease.",
        "ko": "빨간색일수록 답에 큰 영향을, 파란색일수록 작은 영향을 주었습니다. 질환 자체가 아니라 모델의 주목 영역입니다.",
    },
    "result.heat_caption.viridis": {
        "en": "Yellow = most influence on the answer, dark purple = least. It shows attention, not the disease.",
        "ko": "노란색일수록 답에 큰 영향을, 짙은 보라색일수록 작은 영향을 주었습니다. 질환 자체가 아니라 모델의 주목 영역입니다.",
    },
    "result.heat_caption.cividis": {
        "en": "Yellow = most influence on the answer, dark blue = least. It shows attention, not the disease.",
        "ko": "노란색일수록 답에 큰 영향을, 짙은 파란색일수록 작은 영향을 주었습니다. 질환 자체가 아니라 모델의 주목 영역입니다.",
    },
    "result.no_heatmap": {"en": "No heatmap for this result.", "ko": "이 결과에는 히트맵이 없습니다."},
    "result.prediction": {"en": "Prediction", "ko": "예측"},
    "result.probabilities": {"en": "Calibrated probabilities", "ko": "보정된 확률"},
    "result.prob_alt": {
        "en": "Bar chart of the calibrated probability of each condition; the top three are: {top}.",
        "ko": "질환별 보정 확률 막대그래프. 상위 3개: {top}.",
    },
    "result.top3": {"en": "Top-3 differential", "ko": "상위 3개 감별 후보"},
    "result.cancer_scores": {"en": "The cancer scores behind the warning", "ko": "경고의 근거가 된 피부암 점수"},
    "result.top3_row": {"en": "{i}. {name}: {p}", "ko": "{i}. {name}: {p}"},
    "result.status": {"en": "Status: {status}", "ko": "상태: {status}"},
    "result.urgency": {"en": "Urgency", "ko": "긴급도"},
    "memo.urgency_raised.scores": {
        "en": "For this photo the urgency is higher than usual for {name}: the model's scores point to a possible "
              "skin cancer. Follow this higher urgency, not the usual advice for this condition.",
        "ko": "이 사진의 긴급도는 {name}의 일반적인 긴급도보다 높습니다. 모델의 점수가 피부암 가능성을 가리키기 때문입니다. "
              "이 질환의 일반적인 안내가 아니라 이 높은 긴급도를 따르세요.",
    },
    "memo.urgency_raised.flags": {
        "en": "For this photo the urgency is higher than usual for {name} because of what you reported (listed with "
              "the urgency above). Follow this higher urgency, not the usual advice for this condition.",
        "ko": "위 긴급도 칸에 적힌, 직접 알려 주신 증상 때문에 이 사진의 긴급도는 {name}의 일반적인 긴급도보다 "
              "높습니다. 이 질환의 일반적인 안내가 아니라 이 높은 긴급도를 따르세요.",
    },
    "memo.urgency_raised.both": {
        "en": "For this photo the urgency is higher than usual for {name}: the model's scores point to a possible "
              "skin cancer, and you reported a warning sign (listed with the urgency above). Follow this higher "
              "urgency, not the usual advice for this condition.",
        "ko": "이 사진의 긴급도는 {name}의 일반적인 긴급도보다 높습니다. 모델의 점수가 피부암 가능성을 가리키고, 직접 알려 "
              "주신 위험 신호(위 긴급도 칸에 적혀 있습니다)도 있기 때문입니다. 이 질환의 일반적인 안내가 아니라 이 높은 "
              "긴급도를 따르세요.",
    },
    "memo.urgency_raised.uncertain": {
        "en": "For this photo the urgency is higher than usual for {name}: the model is not sure of its answer, so "
              "a doctor should look at this spot. Follow this higher urgency, not the usual advice for this condition.",
        "ko": "모델이 답을 확신하지 못하므로 이 사진의 긴급도는 {name}의 일반적인 긴급도보다 높습니다. 의사에게 보여 "
              "주세요. 이 질환의 일반적인 안내가 아니라 이 높은 긴급도를 따르세요.",
    },
    "result.ood": {"en": "Unknown-condition score {v:.3f} (over {limit:.3f} means not a condition this model knows)",
                   "ko": "미지 질환 점수 {v:.3f} ({limit:.3f}보다 높으면 이 모델이 모르는 질환으로 봅니다)"},
    "result.ood_plain": {"en": "Unknown-condition score {v:.2f}", "ko": "미지 질환 점수 {v:.2f}"},
    "result.model_line": {"en": "Model {name}, card version {version}", "ko": "모델 {name}, 카드 버전 {version}"},
    "result.memo": {"en": "What to do", "ko": "관리 안내"},
    "result.no_memo": {
        "en": "No condition memo for this result. If you are worried about your skin, see a doctor.",
        "ko": "이 결과에는 질환 안내가 없습니다. 피부가 걱정된다면 진료를 받으세요.",
    },
    "result.pdf": {"en": "Download PDF report", "ko": "PDF 보고서 내려받기"},
    "result.pdf_error": {"en": "The PDF report could not be made: {msg}", "ko": "PDF 보고서를 만들지 못했습니다: {msg}"},
    "result.timings": {"en": "Model computation time: {seconds:.1f} s (loading and drawing not included)",
                       "ko": "모델 계산 시간: {seconds:.1f}초 (불러오기와 화면 그리기 제외)"},
    "compare.more_urgent": {
        "en": "The models disagree on how urgent this is; more urgent than your choice: {says}. The advice on this "
              "page follows {model}, the model you chose. A disagreement like this is itself a reason to have a "
              "doctor look at this spot.",
        "ko": "모델마다 긴급도 판단이 다릅니다. 선택하신 모델보다 더 긴급하게 본 모델: {says}. 이 페이지의 안내는 선택하신 "
              "{model} 모델을 따릅니다. 이렇게 판단이 엇갈리는 것 자체가 의사에게 보여 줄 이유가 됩니다.",
    },
    "compare.cancer_score": {"en": "Melanoma + BCC", "ko": "흑색종+기저세포암"},
    "urgency.short.routine": {"en": "Routine", "ko": "일반"},
    "urgency.short.soon": {"en": "Soon (weeks)", "ko": "빠른 진료(몇 주 안)"},
    "urgency.short.urgent": {"en": "Urgent (2 weeks)", "ko": "긴급(2주 이내)"},
    "urgency.short.same_day": {"en": "Same day", "ko": "당일 진료"},
    "compare.title": {"en": "All models on this photo", "ko": "이 사진에 대한 모든 모델의 결과"},
    "compare.done": {"en": "Ran {n} models", "ko": "모델 {n}개 실행 완료"},
    "same_day.title": {"en": "Get medical care today", "ko": "오늘 진료를 받으세요"},
    "same_day.body": {
        "en": "What you reported needs care today: your doctor, an urgent-care clinic or an emergency department. "
              "Do not wait for the photo's answer.",
        "ko": "알려 주신 증상은 오늘 진료가 필요합니다. 동네 병원, 야간·휴일 진료 기관 또는 응급실을 이용하세요. 사진의 "
              "분석 결과를 기다리지 마세요.",
    },
    "compare.model": {"en": "Model", "ko": "모델"},
    "compare.status": {"en": "Status", "ko": "상태"},
    "compare.answer": {"en": "Answer", "ko": "답"},
    "compare.top_p": {"en": "Top probability", "ko": "최고 확률"},
    "compare.urgency": {"en": "Urgency", "ko": "긴급도"},
    "compare.accuracy": {"en": "Test accuracy", "ko": "테스트 정확도"},
    "compare.accuracy_unseen": {"en": "Accuracy on unseen test photos", "ko": "처음 보는 테스트 사진 정확도"},
    "compare.thresholds_note": {
        "en": "Each model has its own thresholds for \"uncertain\", \"not a known condition\" and the melanoma + BCC "
              "score that makes a result urgent, all chosen on validation photos, so two models with similar scores "
              "can give different statuses and urgencies.",
        "ko": "모델마다 \"불확실\", \"알 수 없는 질환\", 그리고 결과를 긴급으로 만드는 흑색종+기저세포암 점수의 기준값이 "
              "따로 있고 모두 검증 사진으로 정했습니다. 그래서 점수가 비슷해도 모델마다 상태와 긴급도가 다를 수 있습니다.",
    },
    "compare.model_failed": {"en": "{name} could not analyse this photo ({msg}).",
                             "ko": "{name} 모델이 이 사진을 분석하지 못했습니다({msg})."},
    "compare.no_answer": {"en": "(no single answer)", "ko": "(단일 답 없음)"},
    "compare.chart_alt": {
        "en": "Grouped bar chart of each model's probabilities for the most likely conditions.",
        "ko": "가장 가능성 높은 질환에 대한 모델별 확률 묶음 막대그래프.",
    },
    # ------------------------------------------------------------------ memo headings
    "memo.other_summary_scores": {
        "en": "SkinLens will not name this condition: the photo is unlike its typical photos of the conditions it "
              "knows. Yet its scores for melanoma and basal cell carcinoma are high (the warning above), so treat it "
              "as a possible skin cancer until a doctor has examined it in person.",
        "ko": "SkinLens는 이 질환의 이름을 말하지 않습니다. 사진이 모델이 아는 질환들의 전형적인 사진과 다르기 때문입니다. "
              "그래도 흑색종과 기저세포암 점수가 높으므로(위 경고), 의사가 직접 진찰하기 전까지는 피부암 가능성으로 여기세요.",
    },
    "memo.summary": {"en": "What it is", "ko": "어떤 질환인가요"},
    "memo.symptoms": {"en": "Typical look and symptoms", "ko": "흔한 모습과 증상"},
    "memo.causes": {"en": "Common causes and risk factors", "ko": "흔한 원인과 위험 요인"},
    "memo.contagious": {"en": "Is it contagious?", "ko": "전염되나요?"},
    "memo.self_care": {"en": "Self-care", "ko": "생활 관리"},
    "memo.otc": {"en": "Over-the-counter options (ask a pharmacist)", "ko": "일반의약품 (약사와 상담하세요)"},
    "memo.prescription": {
        "en": "Prescription options (a doctor decides; medicine types only, no doses)",
        "ko": "처방 치료 (의사가 결정; 약의 종류만, 용량 없음)",
    },
    "memo.procedures": {"en": "Procedures a doctor may offer", "ko": "병원에서 받을 수 있는 시술"},
    "memo.when_to_see": {"en": "When to see a doctor", "ko": "언제 진료를 받아야 하나요"},
    "memo.red_flags": {"en": "Red flags: get medical help sooner if", "ko": "위험 신호: 다음과 같으면 더 빨리 진료를 받으세요"},
    "memo.sources": {"en": "Sources", "ko": "출처"},
    "memo.last_reviewed": {"en": "Last reviewed {date}", "ko": "최종 검토일 {date}"},
    # ------------------------------------------------------------------ what if
    "whatif.title": {"en": "What if the photo were different?", "ko": "사진이 달랐다면?"},
    "whatif.intro": {
        "en": "Change the lighting, colour, sharpness, angle or framing of the same photo and watch how the "
              "model's answer moves. A robust model should not change its mind because of the lamp.",
        "ko": "같은 사진의 밝기, 색감, 선명도, 각도, 구도를 바꾸어 모델의 답이 어떻게 달라지는지 살펴보세요. "
              "튼튼한 모델이라면 조명 때문에 답을 바꾸지 않아야 합니다.",
    },
    "whatif.current": {"en": "Using the photo from the Analyze page.", "ko": "분석 페이지의 사진을 사용합니다."},
    "whatif.pick_sample": {"en": "No photo analysed yet, so a sample photo is used; choose another below.",
                           "ko": "아직 분석한 사진이 없어 예시 사진을 사용합니다. 아래에서 다른 사진을 고를 수 있습니다."},
    "whatif.pick_sample_refused": {
        "en": "The photo on the Analyze page was turned away ({status}), so it gets no answer to vary here; a sample "
              "photo is used instead (choose another below).",
        "ko": "분석 페이지의 사진은 받아들여지지 않아({status}) 여기서 바꿔 볼 답이 없으므로 예시 사진을 대신 사용합니다. "
              "아래에서 다른 사진을 고를 수 있습니다.",
    },
    "whatif.pick_sample_unreadable": {
        "en": "The last file on the Analyze page could not be read as a photo, so a sample photo is used instead; "
              "choose another below.",
        "ko": "분석 페이지의 마지막 파일은 사진으로 읽을 수 없어 예시 사진을 대신 사용합니다. 아래에서 다른 사진을 고를 수 "
              "있습니다.",
    },
    "whatif.need_photo": {
        "en": "Analyse a photo on the Analyze page first (no sample photos are available here).",
        "ko": "먼저 분석 페이지에서 사진을 분석해 주세요(여기에는 예시 사진이 없습니다).",
    },
    "whatif.settings": {"en": "Changes to the photo", "ko": "사진 변경"},
    "whatif.reset": {"en": "Reset", "ko": "초기화"},
    "whatif.t.brightness": {"en": "Brightness (x)", "ko": "밝기 (배)"},
    "whatif.t.temperature": {"en": "Colour temperature (cool - warm)", "ko": "색온도 (차갑게 - 따뜻하게)"},
    "whatif.t.blur": {"en": "Blur (px)", "ko": "흐림 (픽셀)"},
    "whatif.t.rotation": {"en": "Rotation (degrees)", "ko": "회전 (도)"},
    "whatif.t.crop": {"en": "Crop (share of each side kept)", "ko": "자르기 (각 변의 남길 비율)"},
    "whatif.original": {"en": "Original", "ko": "원본"},
    "whatif.changed": {"en": "Changed", "ko": "변경 후"},
    "whatif.original_alt": {"en": "The original photo.", "ko": "원본 사진."},
    "whatif.changed_alt": {"en": "The photo after the changes chosen above.", "ko": "위에서 고른 변경을 적용한 사진."},
    "whatif.before_after": {"en": "Before and after", "ko": "변경 전후"},
    "whatif.verdict": {"en": "Original: {before}. Changed: {after}.", "ko": "원본: {before}. 변경 후: {after}."},
    "whatif.cancer": {
        "en": "Possible skin cancer: the Analyze page would put its cancer warning on {which} (melanoma and basal "
              "cell carcinoma together up to {p}), whatever the answer above says. If this is a real spot, have a "
              "doctor look at it within 2 weeks.",
        "ko": "피부암 가능성: 위의 답과 관계없이, 분석 페이지라면 {which}에 피부암 경고를 표시합니다(흑색종과 기저세포암 "
              "확률의 합 최대 {p}). 실제 점이나 병변이라면 2주 이내에 의사에게 보여 주세요.",
    },
    "whatif.cancer.original": {"en": "the original photo", "ko": "원본 사진"},
    "whatif.cancer.changed": {"en": "the changed photo", "ko": "변경된 사진"},
    "whatif.cancer.both": {"en": "both the original and the changed photo", "ko": "원본과 변경된 사진 모두"},
    "whatif.quality_flag": {
        "en": "The Analyze page would flag the changed photo: {reasons}",
        "ko": "분석 페이지라면 변경된 사진에 다음 경고를 표시합니다: {reasons}",
    },
    "whatif.sweep_cancer": {
        "en": "Possible skin cancer at {axis} = {values}: there the melanoma and basal cell carcinoma scores (the red "
              "line) cross this model's urgent threshold, and the Analyze page would show its cancer warning. If this "
              "is a real spot, have a doctor look at it within 2 weeks.",
        "ko": "{axis} = {values}에서 피부암 가능성: 이 값들에서는 흑색종과 기저세포암 점수(빨간 선)가 이 모델의 긴급 "
              "기준을 넘어, 분석 페이지라면 피부암 경고를 표시합니다. 실제 점이나 병변이라면 2주 이내에 의사에게 보여 "
              "주세요.",
    },
    "whatif.sweep_cancer_all": {
        "en": "Possible skin cancer at every {axis} tried ({lo} to {hi}): the melanoma and basal cell carcinoma scores "
              "(the red line) cross this model's urgent threshold throughout, and the Analyze page would show its "
              "cancer warning. If this is a real spot, have a doctor look at it within 2 weeks.",
        "ko": "시험한 모든 {axis} 값({lo}~{hi})에서 피부암 가능성: 흑색종과 기저세포암 점수(빨간 선)가 내내 이 모델의 "
              "긴급 기준을 넘어, 분석 페이지라면 피부암 경고를 표시합니다. 실제 점이나 병변이라면 2주 이내에 의사에게 "
              "보여 주세요.",
    },
    "chart.malignancy_sum": {"en": "Melanoma + BCC", "ko": "흑색종 + 기저세포암"},
    "whatif.sweep_axis": {"en": "Sweep along", "ko": "변화시킬 항목"},
    "whatif.sweep_run": {"en": "Plot how the prediction moves", "ko": "예측 변화 그래프 그리기"},
    "whatif.sweep_help": {
        "en": "Runs the model on {n} copies of the photo, one per value.",
        "ko": "값마다 한 장씩, 사진 {n}장에 모델을 실행합니다.",
    },
    "whatif.sweep_title": {"en": "Probability of the top conditions vs {axis}", "ko": "{axis}에 따른 상위 질환 확률"},
    "whatif.sweep_alt": {
        "en": "Line chart: probability of the top conditions as {axis} changes.",
        "ko": "선 그래프: {axis} 변화에 따른 상위 질환 확률.",
    },
    "whatif.sweep_flips": {
        "en": "The answer changes within the tested range: {answers}.",
        "ko": "시험한 범위 안에서 답이 바뀝니다: {answers}.",
    },
    "whatif.uncertain_answer": {"en": "uncertain (leaning {name})", "ko": "불확실 ({name} 쪽)"},
    "whatif.raw_view": {
        "en": "The Analyze page shows no probabilities for a photo with the verdict \"{status}\" (at most the "
              "melanoma and basal cell carcinoma scores behind a cancer warning); they are drawn here only to show "
              "how the model's raw view moves.",
        "ko": "분석 페이지는 \"{status}\" 판정을 받은 사진의 확률을 보여 주지 않습니다(피부암 경고가 있을 때 그 근거인 "
              "흑색종과 기저세포암 점수만 보여 줍니다). 여기서는 모델의 원래 판단이 어떻게 움직이는지 보여 주려고 그렸습니다.",
    },
    "whatif.sweep_stale": {
        "en": "The photo, model or settings changed since the last plot. Press \"Plot how the prediction moves\" to "
              "draw it again.",
        "ko": "마지막 그래프 이후 사진, 모델 또는 설정이 바뀌었습니다. \"예측 변화 그래프 그리기\"를 눌러 다시 그리세요.",
    },
    "whatif.sweep_stable": {
        "en": "The answer stays the same over the whole tested range.",
        "ko": "시험한 전체 범위에서 답이 같습니다.",
    },
    "whatif.sweep_quality": {
        "en": "At {values} the Analyze page would warn about the photo's quality (and not classify it unless you "
              "choose to go on).",
        "ko": "{values}에서는 분석 페이지가 사진 품질 경고를 표시합니다(계속하기를 고르지 않으면 분류하지 않음).",
    },
    # ------------------------------------------------------------------ model report
    "report.title": {"en": "Model report", "ko": "모델 보고서"},
    "report.intro": {
        "en": "Every number here was measured on the held-out test split of the committed, seeded manifest "
              "(manifests/split.csv). Temperatures and decision thresholds were chosen on the validation photos "
              "that have no near-duplicate among the training photos.",
        "ko": "여기의 모든 수치는 고정 시드로 만든 분할 목록(manifests/split.csv)의 테스트 데이터에서 측정했습니다. "
              "온도 보정과 판정 임계값은 학습 사진과 거의 같은 사진이 없는 검증 사진에서 정했습니다.",
    },
    "report.ece_floor": {
        "en": "A perfectly calibrated model would show {median} here ({p95} at the 95th percentile) from chance alone on these {n} photos",
        "ko": "완벽히 보정된 모델도 이 사진 {n}장에서는 우연만으로 {median}의 값(95번째 백분위 {p95})이 나옵니다",
    },
    "report.ci95": {"en": "95 % CI {lo} - {hi} (bootstrap over test photos)", "ko": "95% 신뢰구간 {lo} - {hi} (테스트 사진 부트스트랩)"},
    "report.none": {"en": "No model cards in weights/ yet.", "ko": "weights/ 폴더에 아직 모델 카드가 없습니다."},
    "report.comparison": {"en": "All models", "ko": "전체 모델 비교"},
    "report.select": {"en": "Model", "ko": "모델"},
    "report.card_english": {
        "en": "The training details below (data and command) are shown as the training scripts wrote them, in "
              "English.",
        "ko": "아래 학습 정보(데이터와 명령어)는 학습 스크립트가 기록한 영어 원문 그대로 표시합니다.",
    },
    "report.task.classification": {"en": "Classifiers", "ko": "분류 모델"},
    "report.task.segmentation": {"en": "Lesion segmentation", "ko": "병변 분할 모델"},
    "report.task.photo_check": {"en": "Is it a skin photo? (the check before any answer)",
                                "ko": "피부 사진인가? (답하기 전의 확인)"},
    "report.rejection": {"en": "Whom the photo check turns away", "ko": "사진 확인이 돌려보내는 사진"},
    "report.rejection.intro": {
        "en": "Share of real skin test photos it refuses as \"not skin\", per source and per skin-type group. A "
              "refused photo gets no answer; its cancer scores still count when blur or darkness may be why it was "
              "refused.",
        "ko": "실제 피부 테스트 사진 중 \"피부 아님\"으로 거부한 비율(출처별, 피부 유형별)입니다. 거부된 사진에는 답을 "
              "내지 않지만, 흐림이나 어두움 때문에 거부되었을 수 있으면 피부암 점수는 그대로 반영합니다.",
    },
    "report.col.grouping": {"en": "Grouped by", "ko": "구분"},
    "report.group.unknown": {"en": "skin type not recorded", "ko": "피부 유형 기록 없음"},
    "report.k_of_n": {"en": "{k} of {n} test photos", "ko": "테스트 사진 {n}장 중 {k}장"},
    "report.nonskin_k_of_n": {"en": "{k} of {n} pictures that are not skin (animals, food, textures, scenes), none "
                                    "used in fitting",
                              "ko": "학습에 쓰지 않은 피부 아닌 사진(동물, 음식, 질감, 풍경) {n}장 중 {k}장"},
    "report.fresh_k_of_n": {"en": "{k} of {n} versions of {photos} real photos from GCompris (animals, objects, "
                                  "scenes), none used in fitting this check",
                            "ko": "이 검사의 학습에 쓰지 않은 GCompris의 실제 사진(동물, 물건, 풍경) {photos}장의 "
                                  "변형 {n}개 중 {k}개"},
    "report.app_path": {
        "en": "Through the app's photo checks (what a visitor sees): {rate} ({k} of {n})",
        "ko": "앱의 사진 확인을 거친 실제 결과: {rate} ({n}장 중 {k}장)",
    },
    "report.col.model": {"en": "Model", "ko": "모델"},
    "report.col.version": {"en": "Version", "ko": "버전"},
    "report.col.accuracy_unseen": {"en": "Accuracy on unseen photos", "ko": "처음 보는 사진 정확도"},
    "report.unseen_note": {
        "en": "Every figure is on the test split. Unseen photos: the test photos with no near-duplicate in training or "
              "validation (the fairer guess for new photos).",
        "ko": "모든 수치는 테스트 분할에서 잰 값입니다. 처음 보는 사진: 학습·검증 사진과 거의 같은 사진이 없는 테스트 "
              "사진입니다(새 사진에 대한 더 공정한 추정).",
    },
    "metric.accuracy": {"en": f"Accuracy ({_N} classes)", "ko": f"정확도 ({_N}개 질환)"},
    "metric.macro_f1": {"en": "Macro-F1", "ko": "매크로 F1"},
    "metric.top3_accuracy": {"en": "Top-3 accuracy", "ko": "상위 3개 정확도"},
    "metric.study5_accuracy": {"en": f"Accuracy on {_N_STUDY} study classes", "ko": f"연구 {_N_STUDY}개 질환 정확도"},
    "metric.melanoma_recall": {"en": "Melanoma recall", "ko": "흑색종 재현율"},
    "metric.malignant_urgent_rate": {"en": "Cancers flagged urgent", "ko": "암이 긴급으로 표시된 비율"},
    "metric.ece_15": {"en": "Calibration error (ECE)", "ko": "보정 오차 (ECE)"},
    "metric.ood_auroc": {"en": "Unknown-condition AUROC", "ko": "미지 질환 AUROC"},
    "metric.mean_iou": {"en": "Mean IoU", "ko": "평균 IoU"},
    "metric.dice": {"en": "Dice", "ko": "Dice"},
    "metric.thresholded_jaccard": {"en": "Thresholded Jaccard", "ko": "임계 Jaccard"},
    "metric.skin_photos_rejected": {"en": "Skin photos refused", "ko": "거부된 피부 사진"},
    "metric.malignant_rejected": {"en": "Melanoma and BCC photos refused", "ko": "거부된 흑색종·기저세포암 사진"},
    "metric.nonskin_accepted": {"en": "Non-skin pictures let through", "ko": "통과된 피부 아닌 사진"},
    "metric.fresh_accepted": {"en": "Real photos of other things let through", "ko": "통과된 다른 사물의 실제 사진"},
    "report.unseen": {"en": "Test photos never seen in any form", "ko": "어떤 형태로도 본 적 없는 테스트 사진"},
    "report.unseen.intro": {
        "en": "{known} of the test photos of known conditions (and {other} photos of other conditions) are near-duplicates "
              "of a training or validation photo: the same photo re-cropped or re-encoded, or the same patient in "
              "the same session. The last column leaves them out, so it is the fairer guess for new photos. "
              "In brackets: 95 % bootstrap intervals.",
        "ko": "알려진 질환 테스트 사진 중 {known}장(기타 질환 사진 {other}장)은 학습·검증 사진과 거의 같은 사진입니다. "
              "같은 사진을 다르게 자르거나 다시 저장한 것, 또는 같은 환자를 같은 날 찍은 것입니다. 마지막 열은 이 사진들을 "
              "뺀 결과이므로 새 사진에 대한 더 공정한 추정입니다. 괄호 안은 95% 부트스트랩 신뢰구간입니다.",
    },
    "report.unseen.all": {"en": "All test photos (n={n})", "ko": "모든 테스트 사진 (n={n})"},
    "report.unseen.only": {"en": "Without near-duplicates (n={n})", "ko": "거의 같은 사진 제외 (n={n})"},
    "report.col.metric": {"en": "Metric", "ko": "지표"},
    "report.by_source": {"en": "Accuracy by data source", "ko": "데이터 출처별 정확도"},
    "report.by_skin": {"en": "Accuracy by skin type (Fitzpatrick17k photos)", "ko": "피부 유형별 정확도 (Fitzpatrick17k 사진)"},
    "report.group": {"en": "Group", "ko": "그룹"},
    "report.error_bars": {"en": "Error bars and the recall intervals below: 95 % Wilson intervals from each group's "
                                "number of test photos. The fewer the photos, the wider: for a group of a dozen it is "
                                "often 40 points wide.",
                          "ko": "오차 막대와 아래 재현율 구간: 각 그룹의 테스트 사진 수로 구한 95% 윌슨 신뢰구간입니다. "
                                "사진이 적을수록 구간이 넓어지며, 열두 장 정도인 그룹에서는 흔히 40%p에 이릅니다."},
    "report.per_class": {"en": "Per-class precision, recall and F1", "ko": "질환별 정밀도, 재현율, F1"},
    "report.col.class": {"en": "Condition", "ko": "질환"},
    "report.col.precision": {"en": "Precision", "ko": "정밀도"},
    "report.col.recall": {"en": "Recall", "ko": "재현율"},
    "report.col.recall_ci": {"en": "Recall 95 % CI", "ko": "재현율 95% 신뢰구간"},
    "report.col.f1": {"en": "F1", "ko": "F1"},
    "report.col.support": {"en": "Test images", "ko": "테스트 이미지"},
    "report.confusion": {"en": "Confusion matrix (rows: true, columns: predicted)", "ko": "혼동 행렬 (행: 실제, 열: 예측)"},
    "report.confusion_alt": {
        "en": "Heatmap of the share of each true condition predicted as each condition.",
        "ko": "실제 질환별로 각 질환으로 예측된 비율을 보여 주는 히트맵.",
    },
    "report.true": {"en": "True", "ko": "실제"},
    "report.predicted": {"en": "Predicted", "ko": "예측"},
    "report.row_share": {"en": "Share of the true condition", "ko": "실제 질환 중 비율"},
    "report.reliability": {"en": "Reliability diagram", "ko": "신뢰도 그래프"},
    "report.reliability_alt": {
        "en": "Accuracy versus confidence per confidence bin; a calibrated model follows the diagonal.",
        "ko": "확신도 구간별 정확도. 잘 보정된 모델은 대각선을 따릅니다.",
    },
    "report.confidence": {"en": "Confidence", "ko": "확신도"},
    "report.accuracy": {"en": "Accuracy", "ko": "정확도"},
    "report.perfect": {"en": "Perfect calibration", "ko": "완벽한 보정"},
    "report.mean_confidence": {"en": "Mean confidence of the bin (a calibrated bar reaches it)",
                               "ko": "구간의 평균 확신도(보정이 잘 된 막대는 여기에 닿음)"},
    "report.roc": {"en": "Unknown-condition detection (ROC)", "ko": "미지 질환 탐지 (ROC)"},
    "report.roc_alt": {
        "en": "ROC curve of the out-of-scope score: known conditions versus other conditions.",
        "ko": "범위 밖 점수의 ROC 곡선: 알려진 질환 대 기타 질환.",
    },
    "report.fpr": {"en": "Known conditions wrongly rejected", "ko": "잘못 거부된 알려진 질환 비율"},
    "report.tpr": {"en": "Other conditions rejected", "ko": "거부된 기타 질환 비율"},
    "report.chance": {"en": "Chance", "ko": "무작위"},
    "report.iou_hist": {"en": "IoU per test image", "ko": "테스트 이미지별 IoU"},
    "report.iou_alt": {"en": "Histogram of the IoU of each test image's mask.", "ko": "테스트 이미지별 마스크 IoU 히스토그램."},
    "report.images": {"en": "Images", "ko": "이미지 수"},
    "report.gallery": {"en": "Outlines on clinical photos (validation split)", "ko": "임상 사진 위의 윤곽(검증 데이터)"},
    "banner.same_day_title.scores": {
        "en": "Possible skin cancer: show this spot to the doctor you see today",
        "ko": "피부암 가능성: 오늘 진료받을 때 이 점을 꼭 보여 주세요",
    },
    "banner.same_day_title.flags": {
        "en": "Warning sign: show this spot to the doctor you see today",
        "ko": "위험 신호: 오늘 진료받을 때 이 점을 꼭 보여 주세요",
    },
    "banner.scores_lead": {
        "en": "Whatever the answer below says, the model gives melanoma and basal cell carcinoma together {p}, "
              "enough for SkinLens to ask for a check.",
        "ko": "아래 답과 관계없이, 모델이 흑색종과 기저세포암에 준 확률의 합이 {p}로 진료를 권하는 기준을 넘었습니다.",
    },
    "banner.poor_photo_lead": {
        "en": "The photo is not good enough for an answer, but on it the model gives melanoma and basal cell carcinoma "
              "together {p}, enough for SkinLens to ask for a check.",
        "ko": "사진이 답을 내기에는 부족하지만, 이 사진에서 모델이 흑색종과 기저세포암에 준 확률의 합이 {p}로 진료를 "
              "권하는 기준을 넘었습니다.",
    },
    "banner.unsure_skin_lead": {
        "en": "The photo is too unclear to be sure it shows skin, but if it is a spot on your skin, the model gives "
              "melanoma and basal cell carcinoma together {p}, enough for SkinLens to ask for a check.",
        "ko": "사진이 불분명해 피부인지 확신할 수 없지만, 피부의 점이나 병변이라면 모델이 흑색종과 기저세포암에 준 확률의 "
              "합이 {p}로 진료를 권하는 기준을 넘었습니다.",
    },
    "banner.same_day_body.scores": {
        "en": "A photo cannot confirm or rule out cancer, and you also reported a sign that needs care today: show "
              "this spot to the doctor you see today and ask them to check it.",
        "ko": "사진만으로는 피부암인지 아닌지 판단할 수 없고, 오늘 진료가 필요한 증상도 알려 주셨습니다. 오늘 진료받을 때 "
              "이 부위를 의사에게 보여 주고 확인을 받으세요.",
    },
    "banner.same_day_body.flags": {
        "en": "What you reported (listed with the urgency) needs care today. In a mole, a spot, a growth or a sore "
              "that will not heal, a warning sign can also mean skin cancer, whatever the photo shows: show this spot "
              "to the doctor you see today.",
        "ko": "알려 주신 증상(긴급도 아래에 적혀 있습니다)은 오늘 진료가 필요합니다. 점, 혹, 낫지 않는 상처의 위험 신호는 "
              "사진이 어떻게 보이든 피부암의 신호일 수도 있으니, 오늘 진료받을 때 이 부위를 의사에게 보여 주세요.",
    },
    "report.gallery_note": {
        "en": "Ordinary clinical validation photos, one per class and one of another condition, labelled in English. "
              "Cyan: the model's outline; orange: the fallback used when the model is not confident. \"No outline "
              "drawn\": no region near the centre of the photo stood out (one in a corner is usually the watermark). "
              "No expert masks exist for these photos, so the IoU above, measured on PH2 dermoscopy images, does not "
              "describe them.",
        "ko": "클래스마다 한 장, 그리고 다른 질환 한 장을 고른 일반 임상 검증 사진이며, 이름표는 영어입니다. 하늘색은 모델이 "
              "그린 윤곽, 주황색은 모델이 확신하지 못할 때 쓰는 대체 윤곽입니다. 'no outline drawn'은 사진 가운데 쪽에서 "
              "두드러진 부위를 찾지 못했다는 뜻입니다(구석에 있는 것은 대개 워터마크입니다). 이 사진들에는 전문가 마스크가 "
              "없으므로 위의 IoU(PH2 더모스코피 이미지에서 측정)는 이 사진들에 대한 수치가 아닙니다.",
    },
    "report.thresholds": {"en": "Decision thresholds and calibration temperatures (chosen on validation)",
                          "ko": "판정 임계값과 보정 온도 (검증 데이터에서 결정)"},
    "report.col.meaning": {"en": "What it decides", "ko": "하는 일"},
    "threshold.ood": {"en": "Unknown-condition score above which the answer is \"not a condition I know\"",
                      "ko": "이 값보다 미지 질환 점수가 높으면 \"모르는 질환\"으로 답합니다"},
    "threshold.min_confidence": {"en": "Top probability below which the answer is \"uncertain\"",
                                 "ko": "1순위 확률이 이 값보다 낮으면 \"불확실\"로 답합니다"},
    "threshold.min_margin": {"en": "Gap between the top two probabilities below which the answer is \"uncertain\"",
                             "ko": "1순위와 2순위 확률의 차이가 이 값보다 작으면 \"불확실\"로 답합니다"},
    "threshold.urgent": {"en": "Melanoma + basal cell carcinoma probability from which the result is urgent",
                         "ko": "흑색종과 기저세포암 확률의 합이 이 값 이상이면 긴급으로 판단합니다"},
    "threshold.temperature": {"en": f"Calibration temperature of the {_N + 1}-way scores (the conditions and "
                                    f"\"other\") behind the unknown-condition score",
                              "ko": f"미지 질환 점수를 만드는 {_N + 1}개 출력(질환들과 \"기타\")의 보정 온도"},
    "threshold.known_temperature": {"en": f"Calibration temperature of the {_N} condition probabilities shown",
                                    "ko": f"화면에 보이는 {_N}개 질환 확률의 보정 온도"},
    "threshold.mask": {"en": "Lesion probability from which a pixel belongs to the outline",
                       "ko": "픽셀이 윤곽 안에 들어가는 병변 확률의 기준"},
    "threshold.distance": {"en": "Distance from skin photos beyond which a photo is \"not skin\"",
                           "ko": "피부 사진과의 거리가 이 값보다 멀면 \"피부 사진 아님\"으로 판단합니다"},
    "threshold.score": {"en": "\"Not skin\" score (log-odds) above which a photo is \"not skin\"",
                        "ko": "\"피부 아님\" 점수(로그 오즈)가 이 값보다 크면 \"피부 사진 아님\"으로 판단합니다"},
    "report.col.threshold": {"en": "Threshold", "ko": "임계값 이름"},
    "report.col.value": {"en": "Value", "ko": "값"},
    "report.training": {"en": "Training data and split", "ko": "학습 데이터와 분할"},
    "report.data": {"en": "Data", "ko": "데이터"},
    "report.split": {"en": "Split manifest", "ko": "분할 목록"},
    "report.command": {"en": "Training command", "ko": "학습 명령"},
    "report.hardware": {"en": "Training took {time} on {hw}.", "ko": "학습 시간: {hw}에서 {time}."},
    "duration.hm": {"en": "{h} h {m} min", "ko": "{h}시간 {m}분"},
    "duration.m": {"en": "{m} min", "ko": "{m}분"},
    "duration.s": {"en": "{s} s", "ko": "{s}초"},
    "report.intended_use": {"en": "Intended use", "ko": "사용 목적"},
    "report.limitations": {"en": "Limitations", "ko": "한계"},
    "report.no_data": {"en": "Not in this model's card.", "ko": "이 모델 카드에는 없습니다."},
    # ------------------------------------------------------------------ conditions
    "conditions.title": {"en": "Condition library", "ko": "질환 정보 모음"},
    "conditions.intro": {
        "en": "The memo SkinLens shows for each condition it knows, for reading and teaching. Sources and the "
              "review date are at the bottom of each memo.",
        "ko": "SkinLens가 아는 각 질환에 대해 보여 주는 안내문입니다. 읽기와 교육용이며, 출처와 검토일은 각 안내문 아래에 있습니다.",
    },
    "conditions.contagious": {"en": "Spreads to others", "ko": "전염 여부"},
    "conditions.contagious.yes": {"en": "yes", "ko": "예"},
    "conditions.contagious.no": {"en": "no", "ko": "아니요"},
    "conditions.contagious.unknown": {"en": "depends on the cause", "ko": "원인에 따라 다름"},
    "conditions.select": {"en": "Condition", "ko": "질환"},
    "conditions.overview": {"en": "Overview", "ko": "한눈에 보기"},
    # ------------------------------------------------------------------ about
    "about.title": {"en": "About SkinLens and safety", "ko": "SkinLens 소개 및 안전"},
    "about.is": {"en": "What SkinLens is", "ko": "SkinLens는 무엇인가요"},
    "about.is_body": {
        "en": "An open-source educational tool that shows how image models read photos of {n} common skin "
              "conditions ({conditions}). It checks photo quality, outlines the "
              "lesion, gives calibrated probabilities with a top-3 differential and a heatmap of where the model "
              "looked, and shows a bilingual memo whose first job is to say when and how urgently to see a doctor.",
        "ko": "흔한 피부 질환 {n}가지({conditions})의 사진을 이미지 모델이 어떻게 읽는지 보여 주는 오픈소스 교육 도구입니다. "
              "사진 품질을 확인하고, 병변 윤곽을 그리고, 보정된 확률과 상위 3개 감별 후보, 모델이 주목한 영역의 히트맵을 "
              "보여 주며, 무엇보다 언제 얼마나 서둘러 진료를 받아야 하는지 알려 주는 2개 국어 안내문을 제공합니다.",
    },
    "about.is_not": {"en": "What it is not", "ko": "SkinLens가 아닌 것"},
    "about.is_not_body": {
        "en": "- Not a diagnosis and not a medical device. Only a clinician who examines you can diagnose.\n"
              "- Never a reassurance: SkinLens never calls a photo healthy or harmless. When it cannot tell, it "
              "says so (uncertain, or not a condition it knows).\n"
              "- Not for emergencies: for trouble breathing, a swelling face, lips or tongue, or a widespread rash "
              "with blisters or peeling skin, call emergency services now. A rash with fever, near the eye, or "
              "spreading fast with pain, or an oozing area that is painful, hot or swollen, needs care today; a mole or growth that bleeds or changes, or a sore that will not heal, needs a doctor within 2 weeks. Tick what applies "
              "on the Analyze page and the advice follows it.\n"
              "- Any result that includes a possible skin cancer shows a loud banner asking you to see a doctor "
              "within 2 weeks (today, if you also report a sign that needs same-day care), whatever the top answer "
              "is.\n"
              "- Not a fair test on atlas photos: the models learned from DermNet and two other public atlases, so a "
              "photo taken from them may be one the model has already seen, and its answer there looks better than "
              "it would on a new photo.",
        "ko": "- 진단이 아니며 의료기기가 아닙니다. 진단은 직접 진찰하는 의료진만 할 수 있습니다.\n"
              "- 안심시키는 도구가 아닙니다. SkinLens는 어떤 사진도 건강하다거나 무해하다고 말하지 않습니다. "
              "판단할 수 없을 때는 그렇다고 말합니다(불확실, 또는 모르는 질환).\n"
              "- 응급 상황용이 아닙니다. 숨쉬기 어렵거나, 얼굴·입술·혀가 붓거나, 물집이 생기고 피부가 벗겨지는 발진이 "
              "넓게 퍼지면 지금 바로 119에 연락하세요. 열이 나거나, 눈 주변에 생겼거나, 통증과 함께 빠르게 번지는 발진, 그리고 진물이 나면서 아프거나 "
              "뜨겁거나 부은 부위는 오늘 바로 진료가 필요하고, 피가 나거나 변하는 점이나 혹, 또는 낫지 않는 상처는 2주 이내에 진료가 필요합니다. 분석 페이지에서 "
              "해당하는 항목을 고르면 안내가 그에 맞게 바뀝니다.\n"
              "- 피부암 가능성이 포함된 결과에는 1순위 답과 관계없이 2주 이내(당일 진료가 필요한 증상도 알려 주셨다면 오늘) 진료를 권하는 눈에 띄는 경고가 표시됩니다.\n"
              "- 도감 사진으로는 공정한 시험이 되지 않습니다. 모델은 DermNet 등 공개 도감 세 곳의 사진으로 배웠으므로, "
              "그곳에서 가져온 사진은 모델이 이미 본 사진일 수 있고, 그 결과는 새 사진에서보다 좋아 보입니다.",
    },
    "about.privacy": {"en": "Privacy", "ko": "개인정보"},
    "about.privacy_body": {
        "en": "Photos are processed in memory for your session and never written to disk. The PDF report embeds "
              "re-encoded images without EXIF metadata, so no camera or GPS data leaves the app.",
        "ko": "사진은 세션 동안 메모리에서만 처리되며 디스크에 저장되지 않습니다. PDF 보고서에는 EXIF 메타데이터를 "
              "제거하고 다시 인코딩한 이미지만 들어가므로 카메라나 GPS 정보가 앱 밖으로 나가지 않습니다.",
    },
    "about.data": {"en": "Data sources and licences", "ko": "데이터 출처와 라이선스"},
    "about.col.source": {"en": "Source", "ko": "출처"},
    "about.col.used_for": {"en": "Used for", "ko": "용도"},
    "about.col.licence": {"en": "Licence / terms", "ko": "라이선스 / 이용 조건"},
    "about.src.dermnet.used": {
        "en": f"Clinical photos of the {_N} conditions and of other conditions (out-of-scope examples)",
        "ko": f"{_N}개 질환 및 기타 질환(범위 밖 예시)의 임상 사진",
    },
    "about.src.dermnet.licence": {"en": "Non-commercial educational use only", "ko": "비상업적 교육 목적으로만 사용"},
    "about.src.fitzpatrick.used": {
        "en": "Clinical photos labelled with Fitzpatrick skin type (6 of the classes, plus others)",
        "ko": "Fitzpatrick 피부 유형이 표시된 임상 사진(6개 질환과 기타)",
    },
    "about.src.fitzpatrick.licence": {"en": "CC BY-NC-SA 3.0", "ko": "CC BY-NC-SA 3.0"},
    "about.src.ph2.used": {
        "en": "Dermoscopic images with expert lesion masks (segmentation)",
        "ko": "전문가가 병변 영역을 표시한 더모스코피 이미지(분할)",
    },
    "about.src.ph2.licence": {"en": "Research and education use", "ko": "연구 및 교육 목적 사용"},
    "about.src.dermnet.name": {"en": "DermNet (dermnet-11, dermnet-other)", "ko": "DermNet (dermnet-11, dermnet-other)"},
    "about.src.fitzpatrick.name": {"en": "Fitzpatrick17k", "ko": "Fitzpatrick17k"},
    "about.src.ph2.name": {"en": "PH2 (Mendonça et al., 2013)", "ko": "PH2 (Mendonça 외, 2013)"},
    "about.src.sklesion.name": {"en": "sklesion (Python package)", "ko": "sklesion (파이썬 패키지)"},
    "about.src.sklesion.used": {
        "en": "Dermoscopy-pretrained Xception weights (HAM10000) used as the shared image encoder",
        "ko": "공유 이미지 인코더로 쓰는 더모스코피 사전학습 Xception 가중치(HAM10000)",
    },
    "about.src.sklesion.licence": {"en": "MIT", "ko": "MIT"},
    "about.licence_note": {
        "en": "Because of these terms, SkinLens and its trained weights are for non-commercial education and research.",
        "ko": "이 조건 때문에 SkinLens와 학습된 가중치는 비상업적 교육 및 연구용입니다.",
    },
    "about.measured": {"en": "How the numbers were measured", "ko": "수치를 측정한 방법"},
    "about.measured_body": {
        "en": "- One seeded, stratified 70/15/15 train/validation/test split is committed as manifests/split.csv; "
              "every model reads it and never re-splits.\n"
              "- Models are trained on train only. Temperature scaling (calibration) and every decision threshold "
              "(uncertain, out of scope, urgent) are chosen on validation.\n"
              "- Every metric shown in the app, in the model cards and in the README is computed on the test split, "
              "which no model was trained on and no threshold was fitted on. The atlases publish some photos twice, "
              "so a few test photos have a near-duplicate among the training photos; the Model report also gives "
              "every figure without them.\n"
              "- Accuracy differs by data source and by skin type; the Model report shows both, and the gaps are a "
              "known limitation (few dark-skin photos).\n"
              "- The headline numbers come with a 95 % bootstrap interval, the calibration error with what chance "
              "alone would give, and each group's accuracy and each condition's recall with a 95 % Wilson interval, "
              "wide where the photos are few.",
        "ko": "- 고정 시드로 층화한 70/15/15 학습/검증/테스트 분할을 manifests/split.csv로 저장해 두었고, 모든 모델이 이 "
              "목록을 그대로 읽으며 다시 나누지 않습니다.\n"
              "- 모델은 학습 데이터로만 학습합니다. 온도 보정과 모든 판정 임계값(불확실, 범위 밖, 긴급)은 검증 데이터에서 "
              "정합니다.\n"
              "- 앱, 모델 카드, README에 나오는 모든 수치는 어떤 모델도 학습하지 않고 어떤 임계값도 맞추지 않은 테스트 "
              "데이터에서 계산합니다. 도감에 같은 사진이 두 번 실린 경우가 있어, 테스트 사진 몇 장은 학습 사진 중에 거의 같은 "
              "사진이 있습니다. 모델 보고서는 그런 사진을 뺀 수치도 함께 보여 줍니다.\n"
              "- 정확도는 데이터 출처와 피부 유형에 따라 다르며, 모델 보고서에서 둘 다 보여 줍니다. 어두운 피부 사진이 "
              "적다는 점은 알려진 한계입니다.\n"
              "- 주요 수치에는 95% 부트스트랩 신뢰구간을, 보정 오차에는 우연만으로 나올 수 있는 값을, 그룹별 정확도와 "
              "질환별 재현율에는 95% 윌슨 신뢰구간을 함께 표시합니다. 사진이 적은 곳에서는 구간이 넓습니다.",
    },
    "about.models": {"en": "Models in this installation", "ko": "설치된 모델"},
    "about.no_models": {"en": "No trained models yet.", "ko": "아직 학습된 모델이 없습니다."},
    # ------------------------------------------------------------------ charts
    "chart.probability": {"en": "Probability", "ko": "확률"},
    "chart.quality_warning": {"en": "Quality warning", "ko": "품질 경고"},
    "chart.cancer_warning": {"en": "Cancer warning", "ko": "피부암 경고"},
    "chart.current": {"en": "current", "ko": "현재"},
    "chart.before": {"en": "Original", "ko": "원본"},
    "chart.after": {"en": "Changed", "ko": "변경 후"},
    # ------------------------------------------------------------------ PDF
    "pdf.red_flags": {"en": "You told us: {flags}.", "ko": "알려 주신 내용: {flags}."},
    "pdf.title": {"en": "SkinLens report", "ko": "SkinLens 분석 보고서"},
    "pdf.generated": {"en": "Generated {date}", "ko": "작성일 {date}"},
    "pdf.model": {"en": "Model: {name} (card version {version})", "ko": "모델: {name} (카드 버전 {version})"},
    "pdf.result": {"en": "Result", "ko": "결과"},
    "pdf.images": {"en": "Images", "ko": "이미지"},
    "pdf.photo": {"en": "Photo", "ko": "사진"},
    "pdf.outline": {"en": "Lesion outline", "ko": "병변 윤곽"},
    "pdf.gradcam": {"en": "Grad-CAM", "ko": "Grad-CAM"},
    "pdf.probabilities": {"en": "Calibrated probabilities", "ko": "보정된 확률"},
    "pdf.quality": {"en": "Photo quality", "ko": "사진 품질"},
    "pdf.quality_ok": {"en": "No quality problems found.", "ko": "품질 문제가 없습니다."},
    "pdf.memo": {"en": "Memo", "ko": "안내문"},
    "pdf.disclaimer": {"en": "Disclaimer", "ko": "고지 사항"},
    "pdf.page": {"en": "Page {n}", "ko": "{n}쪽"},
}


def t(key: str, lang: str = "en", **fmt) -> str:
    """The UI string `key` in `lang` (English if that language is missing), formatted with `fmt`."""
    entry = STRINGS[key]  # KeyError for a typo: tests catch it
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def quality_reasons(report, lang: str) -> list[str]:
    """One sentence per issue of a `quality.QualityReport`, in `lang` (the core's own message for an untranslated
    code)."""
    return [t(f"quality.{i.code}", lang, w=report.width, h=report.height) if f"quality.{i.code}" in STRINGS
            else i.message for i in report.issues]


def about_body(lang: str) -> str:
    """The About page's "what it is" paragraph, naming every class the models know (from data.CLASSES)."""
    names = [short_class_name(c, lang) for c in CLASSES]
    if lang == "en":  # mid-sentence in English: "acne, actinic keratosis, ..."
        names = [n[:1].lower() + n[1:] for n in names]
    return t("about.is_body", lang, n=len(CLASSES), conditions=", ".join(names))


def duration(seconds: float | None, lang: str = "en") -> str:
    """15644 -> '4 h 21 min' / '4시간 21분'; under a minute in seconds; None -> the dash."""
    if seconds is None:
        return NOT_AVAILABLE
    total = round(float(seconds))
    if total < 60:
        return t("duration.s", lang, s=total)
    h, m = divmod(round(total / 60), 60)
    return t("duration.hm", lang, h=h, m=m) if h else t("duration.m", lang, m=m)


# The card's hardware line (cards.hardware) is a fixed English pattern; its words, not its facts, are translated.
_HARDWARE_WORDS = {"ko": ((" CPU cores", " CPU 코어"), ("(no GPU)", "(GPU 없음)"))}


def hardware_text(hardware: str | None, lang: str = "en") -> str:
    """'x86_64 2 CPU cores, Linux (no GPU)' in `lang`; None -> the dash."""
    if not hardware:
        return NOT_AVAILABLE
    for en, local in _HARDWARE_WORDS.get(lang, ()):
        hardware = hardware.replace(en, local)
    return hardware


# The cards' intended-use and limitations prose is written by the training scripts in English; these are its
# Korean versions, keyed by the exact English text (a test fails when a retrained card brings new text).
CARD_TEXT_KO = {
    "Comparing how model families behave (classroom); the default xception_derm is stronger.":
        "모델 계열이 어떻게 다르게 동작하는지 비교하는 용도(수업)입니다. 기본 모델인 xception_derm이 더 강합니다.",
    "Trained from scratch on 2,035 labelled photos of the 11 conditions (plus 2,305 of other conditions) on 2 CPU "
    "cores: far weaker than the pretrained Xception; see the metrics before trusting any answer.":
        "11개 질환의 라벨 사진 2,035장(그 밖의 질환 사진 2,305장 추가)으로 CPU 코어 2개에서 처음부터 학습했습니다. "
        "사전 학습된 Xception보다 훨씬 약하므로, 답을 믿기 전에 성능 지표를 확인하세요.",
    "Outlining a single lesion; trained on dermoscopy, so outlines on clinical photos are approximate and fall back "
    "to a colour-contrast outline when the model is not confident.":
        "병변 하나의 윤곽을 그립니다. 더모스코피 이미지로 학습했으므로 일반 임상 사진의 윤곽은 대략적이며, 모델이 "
        "확신하지 못하면 색 대비로 그린 대체 윤곽을 씁니다.",
    "PH2 has 160 images of melanocytic lesions only; rashes and multiple lesions have no ground truth here.":
        "PH2에는 멜라닌세포 병변 이미지 160장만 있어, 발진이나 여러 개의 병변에 대한 정답 윤곽은 없습니다.",
    "Education and exploring model behaviour on clinical photos of 11 skin conditions. Not a diagnosis; never "
    "reassurance that a lesion is harmless.":
        "11개 피부 질환의 임상 사진으로 교육하고 모델의 동작을 살펴보는 용도입니다. 진단이 아니며, 병변이 해롭지 "
        "않다는 보증도 결코 아닙니다.",
    "Trained on atlas photos (DermNet, Fitzpatrick17k subset) with noisy page-level labels and few dark-skin images; "
    "conditions outside the 11 are rejected only as well as the AUROC above says.":
        "도감 사진(DermNet, Fitzpatrick17k 일부)으로 학습했으며, 라벨은 페이지 단위라 잡음이 있고 어두운 피부 "
        "사진이 적습니다. 11개 밖의 질환은 위의 AUROC가 말하는 만큼만 걸러집니다.",
    "Trained on atlas photos (DermNet, Fitzpatrick17k subset) with noisy page-level labels and few dark-skin images; "
    "conditions outside the 11 are rejected only as well as the AUROC above says. The students were trained from "
    "scratch on the same photos; the ensemble needs all its members' files.":
        "도감 사진(DermNet, Fitzpatrick17k 일부)으로 학습했으며, 라벨은 페이지 단위라 잡음이 있고 어두운 피부 "
        "사진이 적습니다. 11개 밖의 질환은 위의 AUROC가 말하는 만큼만 걸러집니다. 학생 모델들은 같은 사진으로 "
        "처음부터 학습했으며, 앙상블을 쓰려면 구성 모델의 파일이 모두 있어야 합니다.",
    "Rejecting photos that are not close-ups of skin (animals, food, scenes) before any label is shown.":
        "라벨을 보여 주기 전에 피부를 가까이 찍은 사진이 아닌 것(동물, 음식, 풍경)을 걸러냅니다.",
    "Fitted on skin photos only. Its pictures that are not skin (`nonskin_accepted`) are wallpapers, textures, "
    "clip-art photos of animals, food and objects, and versions of the scikit-image and scikit-learn sample photos, "
    "not people's own snapshots; close-ups of fur or food pass more often than scenes (scikit-image's cat does, as a "
    "JPEG). On real photos from GCompris (`fresh_accepted`) it lets through about ten times as many as the learned "
    "check's second try (86), which is why the app no longer runs it. Unusual skin photos can be refused (see rates).":
        "피부 사진만으로 맞춘 검사입니다. 피부가 아닌 사진(`nonskin_accepted`)으로 잰 것은 배경화면, 질감, 동물·음식·물건의 "
        "클립아트 사진, scikit-image와 scikit-learn 예시 사진의 여러 변형이며, 사람들이 직접 찍은 사진은 아닙니다. 털이나 "
        "음식을 가까이 찍은 사진은 풍경보다 자주 통과합니다(scikit-image의 고양이 사진도 JPEG로 저장하면 통과합니다). "
        "GCompris의 실제 사진(`fresh_accepted`)에서는 학습 검사의 두 번째 시도(86개)보다 열 배가량 많이 통과시키므로 앱은 더 이상 이 "
        "검사를 쓰지 않습니다. 흔치 않은 피부 사진이 거부될 수 있습니다(거부율 참고).",
    "Its pictures that are not skin are wallpapers, textures, clip-art photos and 230 real photos from GCompris "
    "(animals, monuments, tools, objects), not people's own snapshots. On 65 other GCompris photos (`fresh_accepted`) "
    "it lets through a few versions of a calf and two monkeys. Close-ups of fur still pass at times: scikit-image's cat "
    "(`chelsea`) passes in 14 of its 17 versions, the full-quality photo among them, as it did with the second try. "
    "Unusual skin photos can be refused (see rates).":
        "피부가 아닌 학습 사진은 배경화면, 질감, 클립아트 사진, 그리고 GCompris의 실제 사진 230장(동물, 기념물, 도구, "
        "물건)이며, 사람들이 직접 찍은 사진은 아닙니다. 다른 GCompris 사진 65장(`fresh_accepted`)에서는 송아지 한 "
        "마리와 원숭이 두 마리 사진의 변형 몇 개를 통과시킵니다. 털을 가까이 찍은 사진은 여전히 가끔 통과합니다. "
        "scikit-image의 고양이 사진(`chelsea`)은 두 번째 시도 때처럼 변형 17개 중 14개가 통과하며, 원본 화질 사진도 "
        "그중 하나입니다. 흔치 않은 피부 사진이 거부될 수 있습니다(거부율 참고).",
}


def card_text(text: str | None, lang: str = "en") -> str | None:
    """A card's intended-use or limitations prose in `lang`: its translation when one is kept, else as written."""
    if text and lang == "ko":
        return CARD_TEXT_KO.get(text, text)
    return text


def percent(p: float | None, digits: int = 1) -> str:
    """0.8234 -> '82.3%' (the same in both languages); None -> the dash. A share that would round to 0 or 100
    without being exactly that reads '<0.1%' or '>99.9%': a printed "0.0%" melanoma reads as ruled out."""
    if p is None:
        return NOT_AVAILABLE
    v, unit = 100 * float(p), 10.0 ** -digits
    if 0 < v < unit / 2:
        return f"<{unit:.{digits}f}%"
    if 100 - unit / 2 <= v < 100:
        return f">{100 - unit:.{digits}f}%"
    return f"{v:.{digits}f}%"


@lru_cache(maxsize=None)
def class_name(condition: str | None, lang: str = "en") -> str:
    """Display name of a condition from its memo (`name`), e.g. 'melanoma' -> 'Melanoma' / '흑색종'."""
    if not condition:
        return ""
    try:
        from . import knowledge

        return knowledge.memo(condition, lang).name
    except Exception:  # knowledge base missing or unknown id: a readable fallback
        return condition.replace("_", " ").capitalize()


def short_class_name(condition: str | None, lang: str = "en") -> str:
    """The memo name without its parenthesis, for tight spaces (chart axes): 'Tinea (ringworm ...)' -> 'Tinea'."""
    name = class_name(condition, lang)
    return name.split(" (")[0].split("(")[0].strip() or name


def not_skin_variant(issues) -> str:
    """Which not-skin screen a photo with these quality issue codes gets, naming what to fix first: "_dark" (darkness
    hides texture and colour: "retake it in good light"), "_small" (a few dozen pixels of skin colours hide the
    texture the photo check reads), "_blurry" (a badly blurred photo in skin colours: "retake it in focus"), or the
    plain one ("": a tiny or flat blue picture, whose colours already say it is no skin)."""
    codes = set(issues)
    if "too_dark" in codes:
        return "_dark"
    if "not_skin" in codes:  # the colour rule found no skin colours: size or blur would not change that
        return ""
    return "_small" if "too_small" in codes else "_blurry" if "blurry" in codes else ""


def status_key(status: str, issues=()) -> str:
    """The status as the pages name it: a not-skin photo too blurry or too dark for the check is "not_skin_blurry" or
    "not_skin_dark" (too blurry / too dark to tell), as its screen on the Analyze page says."""
    variant = not_skin_variant(issues) if status == "not_skin" else ""
    return f"not_skin{variant}" if variant in ("_blurry", "_dark") else status


def status_name(status: str, lang: str = "en", issues=()) -> str:
    """'answered', 'uncertain', ... for a status (or a `status_key`); `issues`: the photo's quality issue codes."""
    key = status_key(status, issues)
    return t(f"status.name.{key}", lang) if f"status.name.{key}" in STRINGS else status


def urgency_label(level: str, lang: str = "en") -> str:
    """The knowledge base's label for an urgency level (routine | soon | urgent | same_day)."""
    try:
        from . import knowledge

        return knowledge.urgency_label(level, lang)
    except Exception:
        return level
