"""Maturity: the self-assessment results (scores, radar, differences with evidence) and the form to answer.

Answers are saved through :mod:`ceintel.maturity.storage` into the newest
round; an agency data owner answers for their own agency only, an analyst
for any agency (e.g. at a workshop). Every saved answer is audited.
"""

import datetime as dt

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse

from ceintel.web.pages import posted, signed_in
from ceintel.web.pages.common import files
from ceintel.web.pages.scoping import agencies, may_change, require_change


def _summary(state):
    from ceintel.maturity.summary import measure_workspace, summarise
    from ceintel.warehouse import warehouse_path

    path = warehouse_path(state.ws)
    facts = files.get(path, lambda _: measure_workspace(state.ws) or {}, "facts") if path.exists() else {}
    version = _answers_version(state)
    with _summary_lock:
        hit = _summary_cache.get("summary")
        if hit and hit[0] == (version, id(facts)):
            return hit[1]
    summary = summarise(state.ws, url=state.sessions, facts=facts)  # the app's session factory: no re-migration
    with _summary_lock:
        _summary_cache["summary"] = ((version, id(facts)), summary)
    return summary


_summary_cache: dict[str, tuple] = {}
_summary_lock = __import__("threading").Lock()


def _answers_version(state) -> tuple:
    """Changes whenever an answer or a round is added or changed (what the summary is computed from)."""
    from sqlalchemy import func, select

    from ceintel.store.models import MaturityAnswer, MaturityRound

    with state.sessions() as s:
        answers = s.execute(select(func.count(MaturityAnswer.id), func.max(MaturityAnswer.id),
                                   func.max(MaturityAnswer.answered_at))).one()
        rounds = s.execute(select(func.count(MaturityRound.id), func.max(MaturityRound.id))).one()
    return (*answers, *rounds)


def _agencies(state, summary) -> list[str]:
    return sorted(set(agencies(state)) | set(summary.levels) | set(summary.facts))


def routes(app: FastAPI, state) -> None:
    @app.get("/maturity")
    def maturity(request: Request, agency: str | None = None):
        from ceintel.maturity.radar import radar_svg

        me = signed_in(state, request)
        s = _summary(state)
        q = s.questionnaire
        profiles = {p.agency: p for p in s.profile.agencies}
        agency = agency if agency in profiles else None
        radar = None
        if s.profile.agencies:
            from ceintel.maturity.scoring import DomainScore

            partnership = [DomainScore(d.id, d.title, s.profile.partnership.get(d.id), 0, 0, d.label)
                           for d in q.domains]
            series = [("Partnership (each agency weighing the same)", partnership)]
            if agency:
                series.append((agency, profiles[agency].domains))
            radar = radar_svg(series, title=f"Data maturity by domain, round {s.round}")
        gaps = [{"agency": r.agency, "item": q.item(r.item_id).question, "message": r.message(q)} for r in s.gaps()]
        editable = [a for a in _agencies(state, s) if may_change(me, "maturity", a)]
        return state.render(request, "maturity.html", me, active="/maturity", title="Maturity", s=s, q=q,
                            agency=agency, radar=radar, gaps=gaps, editable=editable)

    @app.get("/maturity/answer")
    def answer_form(request: Request, agency: str, saved: str | None = None):
        me = signed_in(state, request)
        s = _summary(state)
        if agency not in _agencies(state, s):
            raise HTTPException(404, "no such agency")
        require_change(me, "maturity", agency)
        current = s.levels.get(agency, {})
        return state.render(request, "maturity_answer.html", me, active="/maturity", title="Self-assessment",
                            q=s.questionnaire, agency=agency, current=current, round=s.round or _new_round(),
                            saved=saved)

    @app.post("/maturity/answer")
    async def answer(request: Request):
        me = await posted(state, request)
        form = await request.form()
        agency, item_id = str(form.get("agency", "")), str(form.get("item_id", ""))
        note = str(form.get("evidence_note", "")).strip()[:2000] or None
        s = _summary(state)
        if agency not in _agencies(state, s):
            raise HTTPException(404, "no such agency")
        require_change(me, "maturity", agency)
        q = s.questionnaire
        if item_id not in {i.id for i in q.items}:
            raise HTTPException(400, "no such questionnaire item")
        try:
            level = int(str(form.get("level", "")))
        except ValueError:
            raise HTTPException(400, "choose a level from 1 to 5") from None
        if level not in range(1, 6):
            raise HTTPException(400, "choose a level from 1 to 5")
        round_label = s.round or _new_round()
        save_one(state, q, agency, round_label, item_id, level, note, me.name)
        state.audit(request, me, "maturity_answered", target=f"{agency}: {item_id}",
                    detail=f"round {round_label}, level {level}")
        return RedirectResponse(f"/maturity/answer?agency={_quote(agency)}&saved={item_id}#item-{item_id}",
                                status_code=303)


def _new_round() -> str:
    return dt.date.today().strftime("%Y-%m")


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def save_one(state, q, agency: str, round_label: str, item_id: str, level: int, note: str | None, by: str) -> None:
    """Replace one item's answer, keeping the agency's other answers in the round (storage saves a whole set)."""
    from ceintel.errors import CeintelError
    from ceintel.maturity.scoring import Answer, AnswerSet
    from ceintel.maturity.storage import load_answers, save_answers
    from ceintel.store.db import session_scope
    from ceintel.store.models import utcnow

    with session_scope(state.sessions) as session:
        try:
            existing = load_answers(session, agency, round_label)
            version, answers = existing.questionnaire_version, [a for a in existing.answers if a.item_id != item_id]
        except CeintelError:
            version, answers = q.version, []
        answers.append(Answer(item_id, level, note, by, utcnow()))
        save_answers(session, q, AnswerSet(agency, round_label, version, tuple(answers)))
