"""Going back to a good file: an earlier upload made current again, by its number.

The door already does it when the same bytes are uploaded again (accueil.ingest.submit);
`accueil uploads restore N` takes the bytes from the raw store instead and sends them
through the same door, so a restored file is registered as a new upload, checked again
against today's rules and reference data, audited (`upload_restored`, naming the upload
it restores and the one it replaces) and loaded by the next build like any accepted one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from accueil import config, control
from accueil.ingest import names
from accueil.ingest.submit import Submission, submit_agencies, submit_extract


class RestoreRefused(ValueError):
    """An upload that cannot be made current again: one sentence, nothing received."""


def _current_for(con, upload: control.Upload) -> control.Upload | None:
    if upload.kind == "indicators":
        from accueil.indicators.submit import current_baselines

        return current_baselines(con)
    return control.current(con, upload.kind, upload.agency_cd, upload.quarter, upload.subject)


def _check(number: int) -> control.Upload:
    with control.connect() as con:
        upload = control.get_upload(con, number)
        if upload is None:
            raise RestoreRefused(f"There is no upload {number}: `accueil uploads` lists them.")
        if upload.status == "received":
            raise RestoreRefused(f"Upload {number} is still being checked: nothing to restore yet.")
        if upload.status == "rejected":
            raise RestoreRefused(
                f"Upload {number} was rejected, so it cannot be made current: upload a corrected file instead."
            )
        if upload.kind == "indicators":
            from accueil.indicators.submit import is_baselines

            if not is_baselines(number):
                raise RestoreRefused(
                    f"Upload {number} is an indicator observations file: its values are kept as versions beside "
                    "the newer ones, never replaced as a file, so there is nothing to restore."
                )
        now_current = _current_for(con, upload)
    if now_current is not None and now_current.sha256 == upload.sha256:
        same = "" if now_current.upload_id == number else f", as upload {now_current.upload_id}"
        raise RestoreRefused(f"Upload {number}'s file is already the current one{same}: nothing to restore.")
    return upload


def restore(number: int | str, user: str, lang: str | None = None) -> Submission:
    """Make upload `number`'s file current again: a new upload of its bytes through the door.

    RestoreRefused for an unknown, rejected, still-checked or already current upload, an
    indicator observations file, or bytes no longer in the raw store."""
    try:
        number = names.upload_id(number)
    except names.InvalidName as exc:
        raise RestoreRefused(str(exc)) from None
    upload = _check(number)
    stored = config.raw_dir() / upload.sha256[:2] / upload.sha256
    if not stored.is_file():
        raise RestoreRefused(f"Upload {number}'s bytes are no longer in the raw store ({stored}).")
    # The door reads the raw bytes themselves and registers the upload's own name (it follows no
    # symbolic link); the baselines' door reads a path and registers its name, so it is given a
    # link under that name, which copies no bytes elsewhere.
    if upload.kind == "extract":
        submission = submit_extract(stored, upload.agency_cd, upload.quarter, user, lang, file_name=upload.file_name)
    elif upload.kind == "agencies":
        submission = submit_agencies(stored, user, lang, file_name=upload.file_name)
    elif upload.kind == "survey":
        from accueil.ingest.survey import submit_survey

        submission = submit_survey(stored, upload.agency_cd, user, lang, file_name=upload.file_name)
    else:
        from accueil.indicators.submit import submit_baselines

        with tempfile.TemporaryDirectory(prefix="accueil-restore-") as folder:
            submission = submit_baselines(_link(stored, Path(folder), upload), user, lang or "en")
    if submission.duplicate:
        earlier = submission.upload
        if earlier.status == "rejected":
            raise RestoreRefused(
                f"Upload {number}'s file was already checked again as upload {earlier.upload_id} and rejected: "
                f"see its report, {earlier.report_html}."
            )
        # Another process made the same file current between the check and the door.
        raise RestoreRefused(
            f"Upload {number}'s file is already the current one, as upload {earlier.upload_id}: nothing to restore."
        )
    return submission


def _link(stored: Path, folder: Path, upload: control.Upload) -> Path:
    """A link to the raw bytes under the upload's registered name, or a plain one when that name
    cannot be a file's (too long in bytes, or a dot name)."""
    for name in (upload.file_name, f"upload-{upload.upload_id}{Path(upload.file_name).suffix[:10]}"):
        if name in ("", ".", ".."):
            continue
        try:
            os.symlink(stored, folder / name)
        except OSError:
            continue
        return folder / name
    os.symlink(stored, folder / "upload")
    return folder / "upload"
