"""Control and format characters, refused in every cell of every sheet.

NUL, tabs and line breaks, zero-width characters, direction marks and overrides, invisible
tags: no field of an extract or of the agency reference holds one (`INVISIBLE` in
accueil.contract: the Unicode categories Cc, Cf, Cs, Zl and Zp).  Text and identifier cells
are refused by their own patterns too (Great Expectations, accueil.ingest.expectations); this
screen reads the cells no pattern covers: coded values, whose spellings are folded before they
are compared (so `Ye<U+200B>s` would pass as Yes), numbers and dates, the title and header
rows, columns the contract does not know, and sheets it does not have.

A file repeats its values, so each distinct text is looked at once, and a file without any
such character, nearly every one, costs one search over the concatenation of its texts.
"""

from __future__ import annotations

import re

from accueil.contract import INVISIBLE
from accueil.ingest.names import invisible_found, visible
from accueil.ingest.reader import Grid, grid_texts
from accueil.report import Problem, problem

_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def control_characters(grids: list[tuple[str, Grid]], distinct: set[str] | None = None) -> list[Problem]:
    """One `text_control_character` problem per cell that holds such a character, its value shown
    visibly.  `distinct`: the grids' `grid_texts`, when the caller has them."""
    if distinct is None:
        distinct = grid_texts(grids)
    if not _INVISIBLE.search("".join(distinct)):
        return []
    flagged = {text for text in distinct if _INVISIBLE.search(text)}
    problems = []
    for name, grid in grids:
        for label, values in zip(grid.labels, grid.cells.T, strict=True):
            if flagged.isdisjoint(values):
                continue
            problems += [
                problem(
                    "text_control_character",
                    sheet=name,
                    row=row + 1,
                    column=label,
                    value=visible(text),
                    found=invisible_found(text),
                )
                for row, text in enumerate(values.tolist())
                if text in flagged
            ]
    return problems
