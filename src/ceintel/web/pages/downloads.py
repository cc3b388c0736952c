"""Downloads of the published framework for Excel and Power BI users (roles with ``export``).

Files come from :func:`ceintel.framework.export.export_framework` for the
user's own audience — published cells after disclosure control only, never
the warehouse — made once per build of the framework (it takes seconds) and kept under
``reports/exports/web/`` — zipped with their metadata and README where there
are several. Every download is audited.
"""

import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse

from ceintel.web.pages import signed_in

_lock = threading.Lock()
FORMATS = {"csv": "CSV (zipped with metadata and a README)", "xlsx": "Excel workbook",
           "parquet": "Parquet (zipped with metadata and a README)"}


def routes(app: FastAPI, state) -> None:
    @app.get("/downloads")
    def downloads(request: Request):
        me = signed_in(state, request)
        me.require("export")
        return state.render(request, "downloads.html", me, active="/downloads", title="Downloads", formats=FORMATS)

    @app.get("/downloads/framework.{fmt}")
    def framework(request: Request, fmt: str):
        from ceintel.errors import CeintelError

        me = signed_in(state, request)
        me.require("export")
        if fmt not in FORMATS:
            raise HTTPException(404, "no such format")
        try:
            path = _export(state, me.audience, fmt)
        except CeintelError as exc:
            raise HTTPException(503, str(exc).splitlines()[0]) from None
        state.audit(request, me, "download", target=f"framework.{fmt}", detail=f"audience {me.audience}; {path.name}")
        return FileResponse(path, filename=path.name)


def _export(state, audience: str, fmt: str) -> Path:
    """The export for this build of the framework, made once (an export takes seconds) and kept beside it."""
    from ceintel.framework.build import framework_path
    from ceintel.framework.export import export_framework

    st = framework_path(state.ws).stat()
    folder = state.ws.reports / "exports" / "web" / f"{audience}-{fmt}-{st.st_ino}-{int(st.st_mtime)}"
    done = folder / "ready"
    with _lock:
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            work = Path(tempfile.mkdtemp(prefix="ceintel-export-"))
            try:
                path = export_framework(state.ws, audience, fmt, work)
                produced = sorted(p for p in work.iterdir() if p.is_file())
                folder.mkdir(parents=True)
                if len(produced) > 1:
                    with zipfile.ZipFile(folder / f"{path.stem}.zip", "w", zipfile.ZIP_DEFLATED) as z:
                        for p in produced:
                            z.write(p, p.name)
                else:
                    shutil.copy2(path, folder / path.name)
                done.write_text("")
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return next(p for p in folder.iterdir() if p.name != "ready")
