"""Trustworthy verify and rollback (issue 11, item 4): every published version has its sha256 beside it; `verify`
checks that hash, reads every column of every table and runs every suite; `rollback` verifies a version before it
publishes it again and refuses a damaged one. The corruption trials overwrite 4 KiB at several offsets of a copy."""

import random
import shutil

import pytest

from conftest import private_workspace, refresh
from planwatch import cli
from planwatch.checksums import table_checksums
from planwatch.publish import PublishRefused, build_info, kept_versions, rollback
from planwatch.verify import blocking_failures, problems, verify

BULLETIN = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
    "330300,温州市,市区PM2.5年均浓度,2024,23,微克/立方米,市区,year,normal,level,温州市2024年统计公报(测试),,"
    "2025-03-20,,\n"
)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, built_workspace):
    """A warehouse folder with two published versions (the second with one more actuals file)."""
    root = tmp_path_factory.mktemp("versions")
    with private_workspace(root, start_from=built_workspace.root) as published:
        (root / "raw" / "actuals" / "bulletin_2024.csv").write_text(BULLETIN, encoding="utf-8")
        refresh()
        yield published, published.parent / "versions"


def _overwrite(path, offset: int, chance: random.Random) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(bytes(chance.getrandbits(8) for _ in range(4096)))


def test_each_version_has_its_sha256_and_the_published_file_verifies(two_versions):
    published, versions = two_versions
    kept = kept_versions(versions)
    assert len(kept) == 2 and all((v.parent / (v.name + ".sha256")).is_file() for v in kept)
    results = verify(published, versions)
    assert not blocking_failures(results)
    assert results[0][2].suite == "integrity" and results[0][2].passed
    assert len(results) == 7  # integrity and the six suites


def test_a_copy_damaged_anywhere_fails_verify(two_versions, tmp_path):
    published, versions = two_versions
    size = published.stat().st_size
    offsets = sorted({0, 4096, 8192, 12288, size // 4, size // 2, 3 * size // 4, size - 4096})
    chance = random.Random(11)
    caught = []
    for offset in offsets:
        copy = tmp_path / f"copy-{offset}.duckdb"
        shutil.copyfile(published, copy)
        _overwrite(copy, offset, chance)
        failures = blocking_failures(verify(copy, versions))
        caught.append((offset, bool(failures)))
        copy.unlink()
    assert all(found for _, found in caught), caught


def test_rollback_refuses_a_damaged_or_truncated_version_and_publishes_a_sound_one(two_versions):
    published, versions = two_versions
    before = table_checksums(published)
    older = kept_versions(versions)[0]
    pristine = older.read_bytes()
    try:
        _overwrite(older, len(pristine) // 2, random.Random(3))
        with pytest.raises(PublishRefused, match="is not sound, so it was not published again") as refused:
            rollback(published, versions, verify=problems)
        assert "sha256" in str(refused.value)
        assert table_checksums(published) == before

        older.write_bytes(pristine[: len(pristine) // 3])
        assert cli.main(["rollback"]) == 1
        assert table_checksums(published) == before and not blocking_failures(verify(published, versions))
    finally:
        older.write_bytes(pristine)

    current = build_info(published)["version"]
    assert cli.main(["rollback"]) == 0
    assert build_info(published)["version"] == older.name and not blocking_failures(verify(published, versions))
    assert cli.main(["rollback", "--to", current]) == 0
    assert build_info(published)["version"] == current and table_checksums(published) == before


def test_rollback_lists_the_kept_versions(two_versions, capsys):
    published, versions = two_versions
    assert cli.main(["rollback", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[2:] for line in lines] == [v.name for v in kept_versions(versions)]
    assert [line[0] for line in lines].count("*") == 1
    assert cli.main(["rollback", "--to", "planwatch-nonesuch"]) == 1
