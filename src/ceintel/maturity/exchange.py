"""Answers in and out of ceintel as YAML or Excel, so agencies can answer in the tools they have.

A blank questionnaire exported here is the form an agency fills in; the same
file, filled in, is imported back. Excel files are written with every text
cell neutralised against formula injection (:func:`ceintel.safe_csv.neutralise`)
and a drop-down of levels 1-5; reading undoes the neutralising apostrophe.
Errors name the file, and the row or field, that needs fixing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ceintel.config import describe_validation_error
from ceintel.errors import CeintelError, ConfigError
from ceintel.maturity.questionnaire import Questionnaire
from ceintel.maturity.scoring import Answer, AnswerSet, check_levels
from ceintel.safe_csv import FORMULA_STARTS, neutralise

FORMATS = ("yaml", "xlsx")
ANSWER_COLUMNS = ("domain", "item", "question", "level", "level name", "evidence note", "answered by",
                  "answered at")
ABOUT_KEYS = ("questionnaire", "version", "agency", "round")


def format_of(path: Path, fmt: str | None = None) -> str:
    """``yaml`` or ``xlsx``, from ``fmt`` or the file's suffix."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    fmt = {"yml": "yaml"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ConfigError(f"{path}: answers are exchanged as .yaml or .xlsx, not {fmt or 'a file without suffix'}")
    return fmt


# --------------------------------------------------------------------------- YAML

class _AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str
    level: int | None = Field(default=None, ge=1, le=5)
    evidence_note: str | None = None
    answered_by: str | None = None
    answered_at: dt.datetime | None = None
    domain: str | None = None  # reference only, ignored on import
    question: str | None = None  # reference only, ignored on import

    @field_validator("answered_at", mode="before")
    @classmethod
    def _date_is_fine(cls, v: Any) -> Any:
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return dt.datetime(v.year, v.month, v.day)
        return v


class _AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questionnaire: str
    version: str
    agency: str = Field(min_length=1)
    round: str = Field(min_length=1)
    answers: list[_AnswerIn] = []

    @field_validator("version", "round", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float | dt.date) else v


def _to_set(data: _AnswersIn) -> AnswerSet:
    answers = tuple(Answer(a.item, a.level, a.evidence_note or None, a.answered_by or None, a.answered_at)
                    for a in data.answers if a.level is not None)
    return AnswerSet(data.agency, data.round, data.version, answers)


def answers_yaml(q: Questionnaire, answers: AnswerSet | None = None, *, agency: str = "", round: str = "") -> str:
    """The answers (or a blank form) as YAML, each item with its domain and question for reference."""
    given = {a.item_id: a for a in answers.answers} if answers else {}
    rows = []
    for d in q.domains:
        for i in d.items:
            a = given.get(i.id)
            rows.append({"item": i.id, "domain": d.id, "question": i.question,
                         "level": a.level if a else None,
                         "evidence_note": a.evidence_note if a else None,
                         "answered_by": a.answered_by if a else None,
                         "answered_at": a.answered_at if a else None})
    doc = {"questionnaire": q.id, "version": q.version,
           "agency": answers.agency if answers else agency, "round": answers.round if answers else round,
           "answers": rows}
    guide = "\n".join(f"#   {lv.level} {lv.name}: {lv.summary}" for lv in q.levels)
    head = (f"# {q.title} (version {q.version}).\n# Give each item a level from 1 to 5; leave it empty if "
            f"you cannot answer yet.\n{guide}\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


def read_answers_yaml(path: Path) -> AnswerSet:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the answers: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: answers are a YAML mapping with questionnaire, version, agency, round, answers")
    try:
        return _to_set(_AnswersIn(**data))
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(path, exc, _AnswersIn)) from None


# --------------------------------------------------------------------------- XLSX

def _unneutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1] in "".join(FORMULA_STARTS):
        return value[1:]
    return value


def write_answers_xlsx(q: Questionnaire, path: Path, answers: AnswerSet | None = None, *,
                       agency: str = "", round: str = "") -> Path:
    """An Excel workbook: About (who and when), Answers (one row per item), Levels (what each level means)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    given = {a.item_id: a for a in answers.answers} if answers else {}
    wb = Workbook()
    about = wb.active
    about.title = "About"
    meta = {"questionnaire": q.id, "version": q.version, "agency": answers.agency if answers else agency,
            "round": answers.round if answers else round}
    for key in ABOUT_KEYS:
        about.append([key, neutralise(meta[key])])
    about.append([])
    about.append(["how to answer", "Give each item on the Answers sheet a level from 1 to 5 (see Levels); "
                                   "leave it empty if you cannot answer yet."])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80

    sheet = wb.create_sheet("Answers")
    sheet.append(list(ANSWER_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for d in q.domains:
        for i in d.items:
            a = given.get(i.id)
            sheet.append([neutralise(v) for v in (
                d.title, i.id, i.question, a.level if a else None,
                q.level_name(a.level) if a else None, a.evidence_note if a else None,
                a.answered_by if a else None)] + [a.answered_at if a else None])
    levels = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
                            showErrorMessage=True, errorTitle="Level", error="A level is a whole number 1 to 5")
    sheet.add_data_validation(levels)
    levels.add(f"D2:D{sheet.max_row}")
    for col, width in zip("ABCDEFGH", (28, 22, 70, 7, 12, 50, 24, 20), strict=True):
        sheet.column_dimensions[col].width = width
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D2"

    guide = wb.create_sheet("Levels")
    guide.append(["item", *(f"{lv.level} {lv.name}" for lv in q.levels)])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for i in q.items:
        guide.append([neutralise(v) for v in (i.id, *(i.levels[lv] for lv in (1, 2, 3, 4, 5)))])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def read_answers_xlsx(path: Path) -> AnswerSet:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, unreadable
        raise ConfigError(f"{path}: cannot read the workbook: {exc}") from None
    try:
        for name in ("About", "Answers"):
            if name not in wb.sheetnames:
                raise ConfigError(f"{path}: no '{name}' sheet; export a blank form with "
                                  f"`ceintel maturity questionnaire --out FILE.xlsx`")
        meta = {str(r[0]).strip(): _unneutralise(r[1]) for r in wb["About"].iter_rows(values_only=True)
                if r and r[0] is not None and len(r) > 1}
        rows = list(wb["Answers"].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        raise ConfigError(f"{path}: the Answers sheet is empty")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    missing = [c for c in ("item", "level") if c not in header]
    if missing:
        raise ConfigError(f"{path}: sheet Answers has no column {', '.join(missing)} in its first row")
    col = {name: header.index(name) for name in ANSWER_COLUMNS if name in header}
    answers = []
    for n, row in enumerate(rows[1:], start=2):
        def get(name: str, row=row):
            i = col.get(name)
            return _unneutralise(row[i]) if i is not None and i < len(row) else None
        if get("item") is None:
            continue
        level = get("level")
        if isinstance(level, str):
            level = level.strip() or None
        answers.append({"item": str(get("item")).strip(),
                        "level": level,
                        "evidence_note": get("evidence note"),
                        "answered_by": get("answered by"),
                        "answered_at": get("answered at") or None,
                        "_row": n})
    try:
        data = _AnswersIn(questionnaire=meta.get("questionnaire") or "", version=meta.get("version") or "",
                          agency=meta.get("agency") or "", round=meta.get("round") or "",
                          answers=[{k: v for k, v in a.items() if k != "_row"} for a in answers])
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = e["loc"]
            if loc and loc[0] == "answers" and len(loc) > 1 and isinstance(loc[1], int):
                where = f"sheet Answers row {answers[loc[1]]['_row']} column {'.'.join(str(p) for p in loc[2:])}"
            else:
                where = f"sheet About {'.'.join(str(p) for p in loc)}"
            problems.append(f"{where}: {e['msg']}")
        raise ConfigError(f"{path}: {'; '.join(problems)}") from None
    return _to_set(data)


# --------------------------------------------------------------------------- either

def read_answers(path: Path, q: Questionnaire | None = None) -> AnswerSet:
    """Answers from a YAML or XLSX file; with ``q``, checked against the questionnaire."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    result = read_answers_yaml(path) if format_of(path) == "yaml" else read_answers_xlsx(path)
    if q is not None:
        try:
            check_levels(q, result.levels)
        except CeintelError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        if result.questionnaire_version != q.version:
            raise ConfigError(f"{path}: answers are for questionnaire version {result.questionnaire_version}, "
                              f"this is version {q.version}; export a new form with `ceintel maturity "
                              f"questionnaire`")
    return result


def write_answers(q: Questionnaire, path: Path, answers: AnswerSet | None = None, *, fmt: str | None = None,
                  agency: str = "", round: str = "") -> Path:
    """Answers (or a blank form) to YAML or XLSX, chosen by ``fmt`` or the suffix."""
    path = Path(path)
    if format_of(path, fmt) == "xlsx":
        return write_answers_xlsx(q, path, answers, agency=agency, round=round)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(answers_yaml(q, answers, agency=agency, round=round), encoding="utf-8")
    return path
