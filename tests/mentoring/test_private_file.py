"""``mentoring.exports.private_file``: a file of people's data is readable by its owner
alone, appears whole or not at all, and a failure leaves the older file as it was."""

import os

import pytest

from mentoring.exports import private_file, private_file_part


def test_the_file_is_the_owners_alone_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        target = tmp_path / "new" / "people.csv"
        with private_file(target) as partial:
            assert partial == private_file_part(target)
            partial.write_text("name\n")
            assert not target.exists()
    finally:
        os.umask(old)
    assert target.read_text() == "name\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in target.parent.iterdir()) == ["people.csv"]


def test_a_failure_leaves_the_older_file_and_no_part(tmp_path):
    target = tmp_path / "people.csv"
    target.write_text("yesterday")
    with pytest.raises(OSError), private_file(target) as partial:
        partial.write_text("half")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"]
