"""About & safety page: what the tool is and is not, licences, how numbers were measured."""
from .conftest import switch
from .helpers import texts


def test_about_states_limits_and_licences(app):
    switch(app, "pages/about.py")
    shown = texts(app)
    assert "Not a diagnosis" in shown
    assert "never calls a photo healthy" in shown
    assert "may be one the model has already seen" in shown  # the classroom caveat: atlas photos flatter it
    table = app.table[0].value.to_string()
    for needle in ("DermNet", "Non-commercial", "Fitzpatrick17k", "CC BY-NC-SA 3.0", "PH2", "sklesion", "MIT"):
        assert needle in table
    assert "manifests/split.csv" in shown and "validation" in shown


def test_about_in_korean(app):
    switch(app, "pages/about.py", lang="ko")
    assert app.title[0].value == "SkinLens 소개 및 안전"
    assert "진단이 아닙니다" in texts(app)
    assert "이미 본 사진일 수 있고" in texts(app)
    assert "비상업적" in app.table[0].value.to_string()
    assert "sklesion (파이썬 패키지)" in app.table[0].value.to_string()
