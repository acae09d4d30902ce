"""Many users at once: concurrent analyses give the same answers as solo runs; memory stays flat."""
import gc
import resource
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from skin_core import data, pipeline, registry
from tests.conftest import needs_data

pytestmark = [pytest.mark.slow, needs_data]


def _photos(n):
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"]
    return [r.path().read_bytes() for r in recs[:: len(recs) // n][:n]]


def test_eight_concurrent_sessions_have_no_cross_talk():
    models = registry.list_models("classification")
    jobs = [(p, models[i % len(models)]) for i, p in enumerate(_photos(8))]
    solo = [pipeline.analyze(p, m, segment=False).probabilities for p, m in jobs]
    with ThreadPoolExecutor(8) as ex:
        together = list(ex.map(lambda j: pipeline.analyze(j[0], j[1], segment=False).probabilities, jobs))
    for (p, m), a, b in zip(jobs, solo, together):
        np.testing.assert_allclose([a[c] for c in a], [b[c] for c in a], atol=1e-4, err_msg=m)


def _rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_memory_is_flat_over_200_analyses():
    photos = _photos(10)
    for i in range(20):
        pipeline.analyze(photos[i % 10])
    gc.collect()
    after20 = _rss_mb()
    for i in range(180):
        pipeline.analyze(photos[i % 10])
    gc.collect()
    after200 = _rss_mb()
    print(f"RSS after 20 analyses: {after20:.0f} MB, after 200: {after200:.0f} MB")
    assert after200 <= after20 * 1.10


def test_first_photos_of_two_sessions_at_once_build_one_trunk():
    """Sessions whose first photos arrive together share one Xception trunk: built once, not once per thread."""
    from skin_core import classifiers

    classifiers._build_shared_trunk.cache_clear()
    with ThreadPoolExecutor(3) as ex:
        trunks = list(ex.map(lambda _: classifiers.shared_trunk(), range(3)))
    assert all(t is trunks[0] for t in trunks)
