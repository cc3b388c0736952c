"""Narratives ("telling our story"): the practice story beside an indicator, a theme, a period or an analysis.

Saving never edits in place: a change is a new version. The language check
runs on every save and its findings — the phrase, why it can blame a child,
and kinder alternatives — are shown next to the saved text; the author's
words are kept as written. Narrative text is always escaped when shown.
"""

import csv
import io

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

from ceintel.safe_csv import neutralise
from ceintel.store.models import NARRATIVE_TARGETS
from ceintel.web.data import NotBuilt
from ceintel.web.pages import posted, signed_in

KIND_LABELS = {"indicator": "An indicator", "theme": "A theme", "period": "A period", "analysis": "An analysis",
               "partnership": "The partnership as a whole"}


def targets(state) -> dict[str, list[tuple[str, str]]]:
    """What a narrative can be about: ids and titles the framework and analyses publish."""
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in NARRATIVE_TARGETS}
    try:
        inds = state.readers.indicators()
        out["indicator"] = list(zip(inds["id"], inds["title"], strict=True))
        themes = inds.drop_duplicates("theme")
        out["theme"] = list(zip(themes["theme"], themes["theme_title"], strict=True))
        periods = state.readers.periods()
        out["period"] = [(p, p) for p in periods["period"]]
    except NotBuilt:
        pass
    try:
        info = state.readers.analysis_info()
        info = info[info["audience"] != "analyst"]
        out["analysis"] = list(zip(info["table_name"], info["title"], strict=True))
    except NotBuilt:
        pass
    out["partnership"] = [("partnership", "The partnership")]
    return out


def routes(app: FastAPI, state) -> None:
    def page(request, me, status=200, **extra):
        from ceintel.store.narratives import current_narratives

        with state.sessions() as s:
            current = current_narratives(s)
        ctx = {"form": {"target_kind": request.query_params.get("target_kind", "indicator"),
                        "target_id": request.query_params.get("target_id", ""), "title": "", "text": "", "key": ""},
               "saved": None, "findings": [], "error": None, **extra}
        return state.render(request, "narratives.html", me, status=status, active="/narratives", title="Narratives",
                            narratives=current, targets=targets(state), kinds=KIND_LABELS, **ctx)

    @app.get("/narratives")
    def narratives(request: Request):
        return page(request, signed_in(state, request))

    @app.get("/narratives/{key}/edit")
    def edit(request: Request, key: str):
        from ceintel.store.narratives import history

        me = signed_in(state, request)
        me.require("narratives")
        with state.sessions() as s:
            versions = history(s, key)
        if not versions:
            raise HTTPException(404, "no such narrative")
        n = versions[-1]
        return page(request, me, form={"target_kind": n.target_kind, "target_id": n.target_id, "title": n.title or "",
                                       "text": n.text, "key": key}, versions=versions)

    @app.post("/narratives")
    async def save(request: Request):
        from ceintel.store.narratives import NarrativeError, save_narrative

        me = await posted(state, request)
        me.require("narratives")
        form = await request.form()
        fields = {k: str(form.get(k, "")).strip() for k in ("target_kind", "target_id", "title", "text", "key")}
        kind, target = fields["target_kind"], fields["target_id"]
        known = targets(state)
        if kind not in known or target not in {t for t, _ in known[kind]}:
            return page(request, me, status=400, form=fields, error="choose what the narrative is about from the list")
        if len(fields["text"]) > 20000:
            return page(request, me, status=400, form=fields, error="a narrative can be up to 20,000 characters")
        try:
            with state.sessions() as s:
                row, findings = save_narrative(
                    s, target_kind=kind, target_id=target, text=fields["text"], author=me.name,
                    author_role=me.role_label, title=fields["title"][:200] or None,
                    period=target if kind == "period" else None, key=fields["key"] or None)
                s.commit()
                saved = {"key": row.key, "version": row.version, "text": row.text, "title": row.title}
        except NarrativeError as exc:
            return page(request, me, status=400, form=fields, error=str(exc))
        state.audit(request, me, "narrative_saved", target=f"{kind} {target}",
                    detail=f"narrative {saved['key']} version {saved['version']}; {len(findings)} language findings")
        return page(request, me, form={**fields, "key": saved["key"]}, saved=saved, findings=findings)

    @app.get("/narratives/export.csv")
    def export(request: Request):
        from ceintel.store.narratives import current_narratives

        me = signed_in(state, request)
        me.require("export")
        with state.sessions() as s:
            current = current_narratives(s)
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["target_kind", "target_id", "title", "text", "author", "author_role", "version", "created_at"])
        for n in current:
            w.writerow([neutralise(v) for v in (n.target_kind, n.target_id, n.title or "", n.text, n.author,
                                                n.author_role or "", n.version, n.created_at.isoformat())])
        state.audit(request, me, "export", target="narratives.csv", detail=f"{len(current)} narratives")
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="narratives.csv"'})
