"""A build's wall time by component: load, dbt by class of node, publish, Dagster.

dbt runs its nodes on several threads, so the time of each class of node (seeds, staging,
intermediate and mart models, data tests, unit tests, hooks) is its share of dbt's wall
clock: at each instant the nodes running share it equally.  The shares add up to the time
when some node ran; `dbt_between_nodes_s` is the rest of dbt's run (scheduling, connections),
`dbt_parse_s` its start-up and parse (and the explicit `dbt parse` of the manifest, when the
project changed).  Dagster is what is left of the build's wall time: its runs, the indicator
files and audit steps, Python.  The parts of a split add up to the wall time it splits.
"""

from __future__ import annotations

# The classes of dbt node, in the order a build runs them.
CLASSES = ("seeds", "staging", "intermediate", "marts", "other_models", "data_tests", "unit_tests", "hooks")

_MODEL_PREFIXES = (("stg_", "staging"), ("int_", "intermediate"), ("fct_", "marts"), ("dim_", "marts"))
_KINDS = {"seed": "seeds", "test": "data_tests", "unit_test": "unit_tests", "operation": "hooks"}

# How the report names each part of a split.
LABELS = {
    "upload_validate_s": "upload + validation",
    "great_expectations_s": "validation: Great Expectations",
    "validation_other_s": "validation: the rest",
    "duckdb_load_s": "load into DuckDB",
    "dbt_parse_s": "dbt start-up and parse",
    "dbt_run_s": "dbt models and tests",
    "dbt_seeds_s": "dbt seeds",
    "dbt_staging_s": "dbt staging models (stg_)",
    "dbt_intermediate_s": "dbt intermediate models (int_)",
    "dbt_marts_s": "dbt marts (fct_, dim_)",
    "dbt_other_models_s": "dbt other models",
    "dbt_data_tests_s": "dbt data tests",
    "dbt_unit_tests_s": "dbt unit tests",
    "dbt_hooks_s": "dbt hooks (on-run-start, on-run-end)",
    "dbt_between_nodes_s": "dbt between nodes",
    "publish_s": "publish",
    "dagster_s": "Dagster and Python",
    # A build by the running service (accueil/bench/service_path.py).
    "service_sensor_wait_s": "waiting for the service's sensor",
    "service_run_start_s": "the run's queue and its process starting",
    "service_steps_before_dbt_s": "the run's steps before dbt (the load)",
    "service_dbt_step_s": "the run's dbt step",
    "service_after_dbt_s": "the rest of the run (the publish) until the snapshot names the upload",
}


def node_class(unique_id: str) -> str:
    """`model.accueil.stg_agencies` -> staging; tests, unit tests, seeds and hooks by their kind."""
    kind, _, rest = unique_id.partition(".")
    if kind == "model":
        name = rest.partition(".")[2]
        return next((cls for prefix, cls in _MODEL_PREFIXES if name.startswith(prefix)), "other_models")
    return _KINDS.get(kind, "other_models")


def wall_by_class(intervals: list[tuple[str, float, float]]) -> dict[str, float]:
    """Each class's share of the wall clock, from the nodes' (unique id, start, end) in seconds."""
    events = sorted(
        (time, step, node_class(unique_id))
        for unique_id, start, end in intervals
        if end > start
        for time, step in ((start, 1), (end, -1))
    )
    totals = dict.fromkeys(CLASSES, 0.0)
    running = dict.fromkeys(CLASSES, 0)
    active, previous = 0, None
    for time, step, cls in events:
        if active and previous is not None and time > previous:
            for name, count in running.items():
                if count:
                    totals[name] += (time - previous) * count / active
        running[cls] += step
        active += step
        previous = time
    return totals


def build_split(build: dict) -> dict[str, float]:
    """The build's wall time (`BuildProbe.summary()`) by component; the parts add up to it."""
    classes = build.get("dbt_wall_by_class") or {}
    parts = {
        "duckdb_load_s": build["duckdb_load_s"],
        "dbt_parse_s": round(build["dbt_parse_manifest_s"] + build["dbt_startup_parse_s"], 3),
        **{f"dbt_{cls}_s": round(classes.get(cls, 0.0), 3) for cls in CLASSES},
        "dbt_between_nodes_s": build.get("dbt_between_nodes_s", 0.0),
        "publish_s": build["publish_s"],
    }
    parts["dagster_s"] = round(build["wall_s"] - sum(parts.values()), 3)
    return parts


def full_build_split(upload_s: float, validation: dict, build: dict) -> dict[str, float]:
    """The full build's wall time (upload and validation, then the build) by component.

    Validation runs in parallel workers, so its wall time is shared out between GX and
    the rest of validation in proportion to their summed per-file times.
    """
    gx = upload_s * validation["gx_share"]
    return {
        "great_expectations_s": round(gx, 3),
        "validation_other_s": round(upload_s - gx, 3),
        **build_split(build),
    }


def label_of(key: str) -> str:
    return LABELS.get(key, key.removesuffix("_s").replace("_", " "))


def in_order(keys) -> list[str]:
    """A split's keys in the order of LABELS (results.json stores them sorted), any other last."""
    order = list(LABELS)
    return sorted(keys, key=lambda key: (order.index(key) if key in order else len(order), key))
