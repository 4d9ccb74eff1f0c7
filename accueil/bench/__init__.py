"""`accueil bench`: the real pipeline on generated data, timed, against a bare DuckDB baseline.

One module per job: `scales` (sizes), `held_back` (the generated region and the extracts held
back from it), `homes` (the ACCUEIL_HOME each step runs in), `memory` (peak RSS of the process
tree), `probe` (where a build's time goes), `split` (that time by component), `baseline` (the
hand-written DuckDB script), `headline` (the figures both must agree on), `dashboard` (query
latency), `equality` (the incremental marts against a full rebuild's), `service_path` (a
correction through the running service), `failure` (what stops a run), `report` (results.json
and docs/benchmarks.md) and `run` (the sequence).
"""
