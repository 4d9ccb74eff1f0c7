"""Click parameter types that the commands of several packages share."""

from __future__ import annotations

import click

from accueil.quarters import Quarter


class QuarterType(click.ParamType):
    name = "YYYYQn"

    def convert(self, value, param, ctx):
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
