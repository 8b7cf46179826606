"""Golden output: the fixture's pages and exports are the checked-in files under tests/golden/.

After an intended change, regenerate them with `make golden` and review the diff in git.
"""

from __future__ import annotations

import difflib

import pytest

from golden import read_golden, render_golden

REGENERATE = "run `make golden` if the change is intended"


@pytest.fixture(scope="module")
def rendered():
    return render_golden()


@pytest.fixture(scope="module")
def expected():
    return read_golden()


def test_the_same_files_are_generated(rendered, expected):
    missing, extra = sorted(set(expected) - set(rendered)), sorted(set(rendered) - set(expected))
    assert not missing and not extra, f"missing: {missing}; new: {extra}; {REGENERATE}"


@pytest.mark.parametrize("path", sorted(read_golden()))
def test_each_file_is_as_checked_in(path, rendered, expected):
    got = rendered.get(path)
    if got is None or got == expected[path]:
        return  # a missing file fails the test above
    diff = difflib.unified_diff(expected[path].decode("utf-8").splitlines(keepends=True),
                                got.decode("utf-8").splitlines(keepends=True),
                                f"tests/golden/{path}", "rendered now")
    pytest.fail("".join(diff) + REGENERATE, pytrace=False)
