"""`accueil bench`: the real pipeline on generated data, timed, against a bare DuckDB baseline.

One module per job: `scales` (sizes), `memory` (peak RSS of the process tree), `probe`
(where a build's time goes), `baseline` (the hand-written DuckDB script), `headline`
(the figures both must agree on), `dashboard` (query latency), `report` (results.json and
docs/benchmarks.md) and `run` (the sequence).
"""
