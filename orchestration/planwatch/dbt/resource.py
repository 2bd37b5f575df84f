"""The dbt CLI resource, without two start-up costs that a refresh pays for nothing.

Before each `dbt build` it launches, dagster-dbt's `DbtCliResource`
- runs `dbt --version` in a subprocess (once per resource) to tell dbt Core from the Fusion engine, and
- loads the project's macros in this process to open a dbt adapter, which it uses only to fetch column metadata
  or row counts (`.fetch_column_metadata()`, `.fetch_row_counts()`), neither of which planwatch asks for.
Measured on the bundled refresh (pyinstrument, 2 cores): 3.5 s and 2.8 + 1.1 s of a 35 s run. The dbt that runs is
the dbt-core installed beside this Python (the lock pins it), so its version is read from the package metadata;
tests/test_definitions.py checks that this agrees with `dbt --version` and that the two members overridden here
still exist in dagster-dbt, so that an upgrade that renames them fails a test instead of silently costing seconds.
"""

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class PlanwatchDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None  # no column metadata or row counts are fetched, so no adapter is needed
