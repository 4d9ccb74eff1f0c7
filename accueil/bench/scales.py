"""The sizes a benchmark runs at (shared/domain.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from accueil.quarters import Quarter

# One LIP region is 10 to 60 agencies and 5,000 to 50,000 clients a year: the middle of both.
# National is 500 agencies and about 500,000 clients a year.
SCALES = {
    "region": {"agencies": 30, "clients_per_year": 25_000},
    "national": {"agencies": 500, "clients_per_year": 500_000},
}


@dataclass(frozen=True)
class BenchOptions:
    scale: str
    agencies: int
    quarters: int
    clients: int
    work: Path  # generated data, the bench's own ACCUEIL_HOME and the baseline's files
    results: Path  # results.json, merged: each scale keeps its own entry
    docs: Path  # the Markdown page rendered from results.json
    command: str = ""  # how the run was started, for the report
    seed: int = 1
    start: Quarter = field(default_factory=lambda: Quarter(2024, 1))
    dashboard_repeats: int = 10  # parameter sets per named query
    # Also a correction published by the running service (accueil/bench/service_path.py); the
    # suite's small run leaves it to tests/test_service.py, which times its own service's runs.
    service: bool = True

    @classmethod
    def for_scale(
        cls,
        scale: str,
        years: int,
        work: Path,
        results: Path,
        docs: Path,
        agencies: int | None = None,
        quarters: int | None = None,
        clients: int | None = None,
        command: str = "",
    ) -> BenchOptions:
        preset = SCALES[scale]
        return cls(
            scale=scale,
            agencies=agencies or preset["agencies"],
            quarters=quarters or 4 * years,
            clients=clients or preset["clients_per_year"] * years,
            work=work,
            results=results,
            docs=docs,
            command=command,
        )
