"""The bad-input matrix through the Analyze page (AppTest): a clear message or a result, never a traceback."""
import pytest

from tests import hostile

from .conftest import RUN_TIMEOUT

CASES = hostile.cases()
# the upload widget itself refuses files over the cap; AppTest bypasses the widget, so the loader's cap answers


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_matrix_through_the_page(app, name):
    data, expect = CASES[name]
    app.file_uploader(key="upload").set_value((f"{name}.jpg", data, "image/jpeg"))
    app.run(timeout=RUN_TIMEOUT)
    assert not app.exception, app.exception
    errors = [e.value for e in app.error]
    if expect == "ok":
        assert not any("Cannot analyse this file" in e for e in errors), (name, errors)
        assert app.session_state["analyses"], name  # an analysis (possibly a rejection screen) was produced
    else:
        assert errors and "Cannot analyse this file" in errors[0], (name, errors)
