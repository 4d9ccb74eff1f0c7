"""Restoring a backup: its state put into the home, so that the next `accueil build` rebuilds the rest.

What a backup holds is said in `accueil.ops.archive`; why a restore does what it does, in
`restore()`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tarfile
import zlib
from contextlib import ExitStack, closing, suppress
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import duckdb

from accueil import config, control
from accueil.ops.archive import (
    CHUNK,
    CONTROL,
    ENTRIES,
    FOLDERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Counter,
    Member,
    Progress,
)
from accueil.ops.scratch import FORMER_SUFFIX, RESTORE_PREFIX, clear_abandoned, scratch_folder
from accueil.sql_text import literal

MANIFEST_MAX_BYTES = 64 << 20
# A stale journal beside a restored database would be replayed into it: they go with the old one.
CONTROL_COMPANIONS = tuple(f"{CONTROL}{suffix}" for suffix in ("-journal", "-wal", "-shm"))
BASELINE_STATE_COLUMNS = "indicator_code, geography_code, baseline_period, target_value, target_date, baseline_source"


@dataclass(frozen=True)
class RestoreResult:
    files: int
    bytes: int
    created_at: str
    source_home: str
    uploads_to_reload: int
    sessions_ended: int
    baselines_carried: int
    leftovers: tuple[str, ...] = ()  # what killed backups and restores had left, cleared first


def restore(archive: Path, actor: str, force: bool = False, progress: Progress | None = None) -> RestoreResult:
    """Put a backup's state into the home, so that the next `accueil build` rebuilds the rest.

    Every member is checked (a plain file under one of the backed-up paths) and unpacked into
    a folder inside the home, and its SHA-256 compared with the manifest's, before anything
    is put in place; a refusal leaves the home as it was.  With `force`, what the home held
    is replaced whole, not merged.

    The next build must load every current upload again, into a warehouse that holds none.
    The build loads what the register says is 'accepted', and the restored register says
    'loaded' of what was in the old warehouse; so its 'loaded' uploads become 'accepted'
    again.  'superseded', 'rejected' and 'received' ones stay as they are, so exactly the
    versions that were current are loaded, in upload order as the first time; their first
    load time is kept, and the loaders reuse it, so the rebuilt marts are the same.  This is
    done on the unpacked copy, before it is in place, rather than by the build: a restore is
    the one moment the register is known to be ahead of an empty warehouse, and the build
    keeps trusting the register as it always has.  For the same reason the home's old working
    warehouse, if any, is deleted: its `raw.loads` would make the build skip uploads it names;
    and so are the agencies' own rows published from it, which are not the backup's.

    Sessions are ended (a session revoked after the backup must not come back) and report
    paths are moved to this home.  The baselines last written to the audit log are carried
    from the restored snapshot into a new working warehouse, so that the next build does not
    record every baseline again as a change.
    """
    home = config.home()
    held = None if force else _state_held(home)
    if held:
        raise BackupError(f"{home} already holds {held}: restore into an empty home, or add --force to replace it")
    made_home = not home.exists()
    home.mkdir(parents=True, exist_ok=True)
    try:
        with scratch_folder(home, RESTORE_PREFIX) as staging:
            manifest, members = _unpack(archive, staging / "files", progress)
            with ExitStack() as stack:
                _hold_build_lock(stack, home)
                # Only once nothing can refuse the backup (a refusal changes nothing); this
                # restore's own folder is locked, and left alone.
                leftovers = clear_abandoned(home)
                result = _put_in_place(staging, manifest, members, home)
                _audit_restore(actor, archive, manifest, result)
                return replace(result, leftovers=tuple(leftovers))
    finally:
        if made_home:
            _remove_if_empty(home)


def _put_in_place(staging: Path, manifest: dict, members: dict[str, Member], home: Path) -> RestoreResult:
    files = staging / "files"
    reloaded, ended = _prepare_register(files / CONTROL, Path(manifest["home"]), home)
    try:
        _swap(files, staging / "replaced", home)
    except OSError as exc:
        # The home's former state is under staging: keep it for the operator to put back.
        kept = staging.with_name(staging.name + FORMER_SUFFIX)
        os.replace(staging, kept)
        raise BackupError(f"the restore stopped halfway ({exc}); the home's former state is in {kept}") from None
    _forget_working_warehouse()
    return RestoreResult(
        files=len(members),
        bytes=sum(m.size for m in members.values()),
        created_at=manifest["created_at"],
        source_home=manifest["home"],
        uploads_to_reload=reloaded,
        sessions_ended=ended,
        baselines_carried=_carry_baseline_state(),
    )


def _state_held(home: Path) -> str | None:
    """What in the home a restore would overwrite, or None."""
    for name in (CONTROL, *CONTROL_COMPANIONS):
        if (home / name).exists():
            return f"a control database ({name})"
    for folder in FOLDERS:
        if any(path.is_file() for path in (home / folder).rglob("*")):
            return f"files in {folder}/"
    return None


def _remove_if_empty(home: Path) -> None:
    with suppress(OSError):
        home.rmdir()


def _hold_build_lock(stack: ExitStack, home: Path) -> None:
    """No build may load the register being replaced, nor the service write it meanwhile."""
    from accueil.service.health import service_running
    from orchestration.build import BuildLocked, build_lock

    if service_running():
        raise BackupError(f"the service (`accueil serve`) is running for {home}: stop it before restoring")
    try:
        stack.enter_context(build_lock())
    except BuildLocked:
        raise BackupError(f"a build is running for {home}: restore when it has finished") from None


def _unpack(archive: Path, target: Path, progress: Progress | None) -> tuple[dict, dict[str, Member]]:
    """Unpack every member under `target`, checking each before it is written and all after."""
    manifest, members = None, {}
    counter = Counter(None, progress)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                _check_member(member, target)
                if member.name == MANIFEST:
                    manifest = _read_manifest(tar, member)
                elif member.name in members:
                    raise BackupError(f"the backup holds {member.name} twice")
                else:
                    members[member.name] = _extract(tar, member, target, counter)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive} could not be unpacked as a backup ({exc})") from None
    if manifest is None:
        raise BackupError(f"{archive} has no {MANIFEST}: it is not an Accueil backup")
    _compare(manifest, members)
    return manifest, members


def _check_member(member: tarfile.TarInfo, target: Path) -> None:
    name = member.name
    if not member.isreg():
        raise BackupError(f"the backup holds {name!r}, which is not a plain file: links and devices are refused")
    path = PurePosixPath(name)
    canonical = str(path) == name and not path.is_absolute() and ".." not in path.parts
    known = name in (CONTROL, MANIFEST) or (len(path.parts) > 1 and path.parts[0] in FOLDERS)
    if not (canonical and known):
        raise BackupError(f"the backup holds a member named {name!r}, which is not part of a home's state: refused")
    try:
        tarfile.data_filter(member, str(target))  # the standard library's own rules, as a second opinion
    except tarfile.FilterError as exc:
        raise BackupError(f"the backup's member {name!r} is unsafe to unpack ({exc})") from None


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict:
    if member.size > MANIFEST_MAX_BYTES:
        raise BackupError(f"the backup's {MANIFEST} is too large to be one")
    try:
        manifest = json.loads(tar.extractfile(member).read())
        files = manifest["files"]
        valid = all(isinstance(f["path"], str) and isinstance(f["size"], int) for f in files)
        valid = valid and isinstance(manifest["home"], str) and isinstance(manifest["created_at"], str)
    except (ValueError, KeyError, TypeError):
        valid, manifest = False, {}
    if not valid or manifest.get("format") != FORMAT:
        raise BackupError(f"the backup's {MANIFEST} is not an Accueil backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"the backup is in format version {manifest.get('format_version')}, and this Accueil reads "
            f"version {FORMAT_VERSION}: restore it with the Accueil that made it ({manifest.get('accueil_version')})"
        )
    return manifest


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, counter: Counter) -> Member:
    destination = target / member.name
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tar.extractfile(member) as source, destination.open("xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
            counter.add(len(chunk))
    # The archived mode for the owner only (accueil.filemodes): raw/ stays read-only as it was, and an
    # archive of a home from before the owner-only rule does not bring back group or other access.
    os.chmod(destination, (member.mode & 0o700) | 0o400)
    os.utime(destination, (member.mtime, member.mtime))
    return Member(member.name, size, digest.hexdigest())


def _compare(manifest: dict, members: dict[str, Member]) -> None:
    listed = {f["path"]: f for f in manifest["files"]}
    missing, extra = sorted(listed.keys() - members.keys()), sorted(members.keys() - listed.keys())
    if missing:
        raise BackupError(f"the backup lacks {missing[0]} (and {len(missing) - 1} more), which its manifest lists")
    if extra:
        raise BackupError(f"the backup holds {extra[0]}, which its manifest does not list")
    for name, member in sorted(members.items()):
        if (member.size, member.sha256) != (listed[name]["size"], listed[name].get("sha256")):
            raise BackupError(f"{name} in the backup does not match its manifest's checksum: damaged or altered")
    if CONTROL not in members:
        raise BackupError(f"the backup holds no {CONTROL}")


def _prepare_register(path: Path, source_home: Path, home: Path) -> tuple[int, int]:
    """The restored register, before it is in place: (uploads to load again, sessions ended)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.executescript(control.SCHEMA)  # a backup made before a table existed gets it
        con.execute("begin immediate")
        reloaded = con.execute("update uploads set status = 'accepted' where status = 'loaded'").rowcount
        ended = con.execute("delete from sessions").rowcount
        if source_home != home:
            _move_report_paths(con, source_home, home)
        con.execute("commit")
    return reloaded, ended


def _move_report_paths(con: sqlite3.Connection, source_home: Path, home: Path) -> None:
    """The register names reports by absolute path, and the build reads their summaries."""
    rows = con.execute("select upload_id, report_html, report_csv from uploads").fetchall()
    for upload_id, html, csv in rows:
        con.execute(
            "update uploads set report_html = ?, report_csv = ? where upload_id = ?",
            (_moved(html, source_home, home), _moved(csv, source_home, home), upload_id),
        )


def _moved(path: str | None, source_home: Path, home: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(home / Path(path).relative_to(source_home))
    except ValueError:
        return path


def _swap(files: Path, replaced: Path, home: Path) -> None:
    replaced.mkdir()
    for name in (*ENTRIES, *CONTROL_COMPANIONS):
        current = home / name
        if current.exists() or current.is_symlink():
            os.replace(current, replaced / name)
    for name in ENTRIES:
        if (files / name).exists():
            os.replace(files / name, home / name)


def _forget_working_warehouse() -> None:
    from accueil.publish import agency_rows_path

    warehouse, rows = config.warehouse_path(), agency_rows_path()
    for path in (warehouse, warehouse.with_name(warehouse.name + ".wal"), rows, rows.with_name(rows.name + ".wal")):
        path.unlink(missing_ok=True)


# Where a backup's snapshot keeps the baselines in force: the mart (what a publish writes now), or,
# in a snapshot published before it held only the marts and reference tables, the warehouse's own state.
BASELINE_SOURCES = (("marts", "dim_indicator_baseline"), ("raw", "indicator_baseline_state"))


def _carry_baseline_state() -> int:
    """The baselines the audit log last recorded, from the snapshot into a new working warehouse.

    The baseline audit compares each build's baselines with the ones it recorded last, which
    it keeps in the warehouse (raw.indicator_baseline_state), and then makes them the baselines
    that build computed; the snapshot is published after that audit, from that build, so its
    marts.dim_indicator_baseline holds the same rows.
    """
    from accueil.indicators.warehouse import ensure_schema

    snapshot = config.published_path()
    if not snapshot.is_file():
        return 0
    with duckdb.connect(str(config.warehouse_path())) as con:
        ensure_schema(con)
        con.execute(f"attach {literal(snapshot)} as snapshot (read_only)")
        held = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'snapshot'"
            ).fetchall()
        )
        for schema, table in BASELINE_SOURCES:
            if (schema, table) in held:
                con.execute(
                    f"insert into raw.indicator_baseline_state ({BASELINE_STATE_COLUMNS}) "
                    f"select {BASELINE_STATE_COLUMNS} from snapshot.{schema}.{table}"
                )
                break
        carried = con.execute("select count(*) from raw.indicator_baseline_state").fetchone()[0]
        con.execute("detach snapshot")
    return carried


def _audit_restore(actor: str, archive: Path, manifest: dict, result: RestoreResult) -> None:
    with control.connect() as con:
        control.audit(
            con,
            actor,
            "restored",
            str(archive.absolute()),
            backup_created_at=result.created_at,
            backup_home=result.source_home,
            backup_accueil_version=manifest.get("accueil_version"),
            files=result.files,
            bytes=result.bytes,
            uploads_to_reload=result.uploads_to_reload,
            sessions_ended=result.sessions_ended,
            baselines_carried=result.baselines_carried,
        )
