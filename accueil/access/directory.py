"""The service directory ("no wrong door"): which sites offer a stream, in a language, nearest first.

`accueil directory` and the service map's search both call `directory()`, so that the command
and the page give the same answer; it reads the published snapshot through the named query
`access.directory` (accueil.access.reader).
"""

from __future__ import annotations

import click
import pandas as pd

from accueil.access.policy import Viewer, operator

# The short spellings a front-line worker types; any code of the `language` code list works too.
LANGUAGES = {"fr": "french", "en": "english"}
COLUMNS = {
    "en": {
        "site_code": "Site",
        "site_name": "Site name",
        "agency_name": "Agency",
        "site_fsa": "FSA",
        "place_name": "Place",
        "language_codes": "Languages",
        "is_remote": "Remote",
        "distance_km": "Distance (km)",
    },
    "fr": {
        "site_code": "Point de service",
        "site_name": "Nom du point de service",
        "agency_name": "Organisme",
        "site_fsa": "RTA",
        "place_name": "Lieu",
        "language_codes": "Langues",
        "is_remote": "À distance",
        "distance_km": "Distance (km)",
    },
}


class DirectoryError(ValueError):
    """A search the directory cannot answer; `texts` holds its message in English and French."""

    def __init__(self, en: str, fr: str):
        super().__init__(en)
        self.texts = {"en": en, "fr": fr}


def directory(viewer: Viewer, stream: str, language: str = "", near: str = "", reader=None) -> pd.DataFrame:
    """The sites offering `stream` (a code of the service_stream list), offered in `language` when
    given (fr, en or a language code), nearest first to FSA `near` when given."""
    from accueil.access.reader import fetch

    run = reader.fetch if reader is not None else fetch
    streams = set(run(viewer, "catalog.codes").query("code_list == 'service_stream'")["code"])
    if stream not in streams:
        raise DirectoryError(
            f"unknown stream {stream!r}: one of {', '.join(sorted(streams))}",
            f"volet inconnu « {stream} » : l'un de {', '.join(sorted(streams))}",
        )
    language = LANGUAGES.get(language.strip().lower(), language.strip().lower())
    near = near.strip().upper().replace(" ", "")
    if near and near not in set(run(viewer, "access.fsas")["fsa"]):
        raise DirectoryError(
            f"{near!r} is not one of Canada's forward sortation areas",
            f"« {near} » n'est pas une des régions de tri d'acheminement du Canada",
        )
    return run(viewer, "access.directory", stream=stream, language=language, near=near)


@click.command("directory")
@click.option("--stream", required=True, help="Service stream code, e.g. language_training.")
@click.option("--language", default="", help="Only sites offering it in this language: fr, en or a language code.")
@click.option("--near", default="", help="Nearest first to this FSA (e.g. L2S); distances in km.")
@click.option("--lang", "ui", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Column names.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
def directory_command(stream: str, language: str, near: str, ui: str, fmt: str) -> None:
    """The sites that offer a service stream, nearest first, with their agency, languages and distance."""
    from accueil.access import NotPublished
    from accueil.csv_safe import frame_to_csv, safe_frame

    # Whoever can run this can read the warehouse files; the directory is reference data anyway.
    viewer = Viewer(name=operator(), role="admin")
    try:
        frame = directory(viewer, stream, language, near)
    except DirectoryError as exc:
        raise click.ClickException(exc.texts[ui]) from None
    except NotPublished:
        raise click.ClickException("nothing is published yet: run `accueil build` first") from None
    shown = frame[list(COLUMNS[ui])].rename(columns=COLUMNS[ui])
    if fmt == "csv":
        click.echo(frame_to_csv(shown), nl=False)
    elif shown.empty:
        click.echo("No site offers it." if ui == "en" else "Aucun point de service ne l'offre.")
    else:
        click.echo(safe_frame(shown).to_string(index=False))
