"""The command line's refusal: one sentence and exit 2, the code a rejected upload exits with."""

import click


class Refused(click.ClickException):
    exit_code = 2
