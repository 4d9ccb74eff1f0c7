"""The dbt resource: dagster-dbt's, without what each run paid for and nothing here reads.

dagster-dbt's `DbtCliResource` starts every invocation with `dbt --version` (a second Python
start-up and dbt's imports: about 2.6 s a build here) to learn which dbt it drives, and
builds an in-process dbt adapter (the project's profile and every macro loaded: about 1 s)
for its row-count and column-metadata helpers.  The dbt it drives is the one installed
beside this package (orchestration/dbt_child.py), so its version is the installed
dbt-core's; and no asset here asks for row counts or column metadata.  Both overrides are of
private members: tests/test_orchestration.py checks that dagster-dbt still calls them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class AccueilDbtResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]):
        # dagster-dbt treats a missing adapter as it does under dbt's Fusion engine: the
        # invocation runs, and only the metadata helpers, unused here, are unavailable.
        return None
