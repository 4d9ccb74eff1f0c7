"""What stops a benchmark run: one sentence for whoever ran `accueil bench`, not a traceback."""


class BenchFailed(RuntimeError):
    """The bench cannot go on: a generated extract rejected, a service that stopped or failed its build,
    a wait that gave up.  `accueil bench` prints the sentence and exits with status 1."""
