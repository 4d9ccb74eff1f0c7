"""Files generated from the project's single definitions (contract, indicator catalogue)."""

from __future__ import annotations

from pathlib import Path

import click


def write_or_check(outputs: dict[Path, str], check: bool, command: str) -> None:
    """Write each generated file, or with `check` fail when one differs from what would be written."""
    for path, text in outputs.items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise click.ClickException(f"{path} is out of date: run `{command}`.")
            click.echo(f"{path} is up to date.")
        else:
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path}")
