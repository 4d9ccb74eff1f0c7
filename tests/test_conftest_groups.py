"""`make test` keeps each module in one xdist worker: without it, module fixtures (several
full builds) are built again in every worker that runs one of the module's tests."""

import pytest


def test_this_module_is_scheduled_as_one_group(request):
    if not request.config.getoption("loadgroup", default=False):
        pytest.skip("only under `pytest -n N --dist loadgroup` (make test)")
    assert request.node.nodeid.endswith("@" + __name__), request.node.nodeid
