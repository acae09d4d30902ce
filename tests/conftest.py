import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from skin_core.config import data_available  # noqa: E402

needs_data = pytest.mark.skipif(not data_available(), reason="shared data folder (../shared/data or SKINLENS_DATA) is absent")
