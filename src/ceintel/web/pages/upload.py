"""Upload: an agency data owner submits an extract for one of their agency's sources and reads its quality report.

The file is stored under a name the server makes: the client's name gives
only its extension (``.csv``, ``.xlsx`` or ``.ods``) and a few safe
characters, never a directory, and the name always matches the source's
``file`` pattern, inside the workspace inbox. Ingest then runs for that
source alone, the warehouse is rebuilt, and the report shows rows read,
loaded and held back, each held-back row with its reason (values masked by
ingest). One upload runs at a time.
"""

import csv
import datetime as dt
import fnmatch
import re
import threading
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request

from ceintel.web.pages import posted, signed_in
from ceintel.web.permissions import Forbidden

MAX_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx", ".ods")
MAX_SHOWN = 500
_lock = threading.Lock()


class UploadRefused(ValueError):
    """A file that cannot be accepted; the message is safe to show."""


def safe_name(client_name: str, pattern: str, now: dt.datetime) -> str:
    """A stored file name matching ``pattern``, made only from safe characters (never the client's path)."""
    base = re.split(r"[\\/]", client_name or "")[-1]
    ext = Path(base).suffix.lower()
    if ext not in EXTENSIONS:
        raise UploadRefused(f"the file must end in {', '.join(EXTENSIONS)}")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(base).stem).strip("_-")[:40] or "extract"
    head, star, tail = pattern.partition("*")
    if not star:  # an exact file name: the upload takes that name
        name = pattern
    else:
        name = f"{head}_{stem}_{now:%Y%m%dT%H%M%S}{tail}" if not tail.startswith(".") or tail.lower() == ext else ""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    if not name or not fnmatch.fnmatch(name, pattern) or Path(name).suffix.lower() != ext:
        raise UploadRefused(f"this source expects files like {pattern}")
    return name


def own_sources(state, me):
    from ceintel.web.pages.common import source_configs

    return [c for c in source_configs(state) if me.agency and c.agency == me.agency]


def quarantined(state, source: str) -> list[dict]:
    path = state.ws.quarantine / f"{source}.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for _, r in zip(range(MAX_SHOWN), csv.DictReader(fh), strict=False)]


def _count_quarantined(state, source: str) -> int:
    path = state.ws.quarantine / f"{source}.csv"
    if not path.exists():
        return 0
    with open(path, encoding="utf-8", newline="") as fh:
        return max(0, sum(1 for _ in csv.reader(fh)) - 1)


async def _read_limited(upload) -> bytes:
    chunks, size = [], 0
    while chunk := await upload.read(1 << 20):
        size += len(chunk)
        if size > MAX_BYTES:
            raise UploadRefused(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)
    if not size:
        raise UploadRefused("the file is empty")
    return b"".join(chunks)


def routes(app: FastAPI, state) -> None:
    def source_of(me, source_id: str):
        me.require("upload")
        found = [c for c in own_sources(state, me) if c.source == source_id]
        if not found:
            raise Forbidden("that source belongs to another agency, or does not exist")
        return found[0]

    @app.get("/upload")
    def upload_form(request: Request):
        me = signed_in(state, request)
        me.require("upload")
        return state.render(request, "upload.html", me, active="/upload", title="Upload",
                            sources=own_sources(state, me), max_mb=MAX_BYTES // (1024 * 1024), error=None)

    @app.post("/upload")
    async def upload(request: Request):
        from ceintel.ingest.run import ingest_workspace
        from ceintel.warehouse import build_warehouse

        if int(request.headers.get("content-length") or 0) > MAX_BYTES + 64 * 1024:
            raise HTTPException(413, "the file is too large")
        me = await posted(state, request)
        me.require("upload")
        form = await request.form()
        cfg = source_of(me, str(form.get("source", "")))
        file = form.get("file")
        try:
            if file is None or isinstance(file, str):
                raise UploadRefused("choose a file to upload")
            name = safe_name(file.filename or "", cfg.file, dt.datetime.now())
            content = await _read_limited(file)
        except UploadRefused as exc:
            state.audit(request, me, "upload", target=cfg.source, detail=str(exc), outcome="refused")
            return state.render(request, "upload.html", me, status=400, active="/upload", title="Upload",
                                sources=own_sources(state, me), max_mb=MAX_BYTES // (1024 * 1024), error=str(exc))
        inbox = state.ws.inbox.resolve()
        target = (inbox / name).resolve()
        if target.parent != inbox:  # belt and braces: the name cannot leave the inbox
            raise HTTPException(400, "unsafe file name")
        with _lock:
            inbox.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name("." + target.name + ".part")
            tmp.write_bytes(content)
            tmp.replace(target)
            run = ingest_workspace(state.ws, only=[cfg.source])[0]
            if run.status == "loaded":
                build_warehouse(state.ws)
        state.audit(request, me, "upload", target=cfg.source,
                    detail=f"{name}: {run.status}; read {run.read}, loaded {run.loaded}, held back {run.quarantined}",
                    outcome="ok" if run.status in ("loaded", "unchanged") else "failed")
        return state.render(request, "upload_report.html", me, active="/upload", title="Quality report",
                            cfg=cfg, run=run, stored=name, rows=quarantined(state, cfg.source),
                            total=_count_quarantined(state, cfg.source), max_shown=MAX_SHOWN)

    @app.get("/upload/report/{source_id}")
    def report(request: Request, source_id: str):
        from ceintel.ingest.run import SourceRun, read_manifest

        me = signed_in(state, request)
        cfg = source_of(me, source_id)
        m = read_manifest(state.ws, cfg.source) or {}
        run = SourceRun(cfg.source, cfg.agency, "loaded" if m else "no file", m.get("file"), m.get("read", 0),
                        m.get("loaded", 0), m.get("quarantined", 0), m.get("out_of_area", 0), m.get("extract_date"),
                        None, m.get("warnings") or {})
        return state.render(request, "upload_report.html", me, active="/upload", title="Quality report", cfg=cfg,
                            run=run, stored=None, rows=quarantined(state, cfg.source),
                            total=_count_quarantined(state, cfg.source), max_shown=MAX_SHOWN)
