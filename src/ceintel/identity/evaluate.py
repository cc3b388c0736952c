"""How good a linkage is, measured against the truth of who each record really is.

Three views, because each hides a failure the others show:

* **pairwise**: of all record pairs put together, how many really are one
  person (precision), and of all pairs that are one person, how many were put
  together (recall). Big people (many records) dominate it.
* **B-cubed**: the same question asked of each record's own cluster and
  averaged over records, so a child with two records weighs as much per record
  as one with two hundred.
* **exact person**: a predicted person is right only if it holds exactly one
  true person's records, all of them and nothing else. This is what a
  practitioner sees when opening a child's chronology: a chronology missing
  one police record, or holding a sibling's, is wrong.

Everything is counted from the contingency table (how many records each
(predicted, true) pair of people share), never by enumerating record pairs,
so a million records score in a second or two.

Convention: where there is nothing to get wrong the score is 1.0. No
predicted pairs gives pairwise precision 1.0 (no link was wrong); no true
pairs gives pairwise recall 1.0 (no link was missed); no records at all gives
1.0 throughout.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from ceintel.errors import CeintelError

K = TypeVar("K", bound=Hashable)

TRUTH_COLUMNS = ("source", "record_id", "person_id")


@dataclass(frozen=True)
class Scores:
    """Linkage quality over one set of records (see the module docstring for each view)."""

    records: int
    predicted_people: int
    true_people: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    person_precision: float
    person_recall: float
    person_f1: float
    false_merges: int
    """Predicted people holding records of two or more true people."""
    split_people: int
    """True people whose records are spread over two or more predicted people."""

    def as_dict(self) -> dict:
        return asdict(self)


def score(predicted: Mapping[K, str], truth: Mapping[K, str], records: Iterable[K] | None = None) -> Scores:
    """Score a linkage: ``predicted`` and ``truth`` map record key -> person.

    Keys are anything hashable (a string, or a (source, record_id) tuple as
    :func:`read_truth_csv` gives). Scored over the records present in both
    mappings, or over those of ``records`` present in both (the exploited
    cohort, say); a record the linker did not return is left out, not counted
    as wrong, so check ``Scores.records`` against what you expected.
    Person labels are compared only within each mapping: predicted and true
    person ids need not share a scheme.
    """
    if records is None:
        keys = [k for k in predicted if k in truth]
    else:
        keys = [k for k in dict.fromkeys(records) if k in predicted and k in truth]
    n = len(keys)
    if n == 0:
        return Scores(0, 0, 0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0, 0)
    p = _codes((predicted[k] for k in keys), n)
    t = _codes((truth[k] for k in keys), n)
    size_p = np.bincount(p)  # records per predicted person
    size_t = np.bincount(t)  # records per true person
    n_p, n_t = len(size_p), len(size_t)
    cells, shared = np.unique(p * n_t + t, return_counts=True)
    cell_p, cell_t = cells // n_t, cells % n_t

    together, predicted_pairs, true_pairs = _pairs(shared), _pairs(size_p), _pairs(size_t)
    pair_precision = together / predicted_pairs if predicted_pairs else 1.0
    pair_recall = together / true_pairs if true_pairs else 1.0

    squared = shared.astype(np.float64) ** 2
    bcubed_precision = float((squared / size_p[cell_p]).sum() / n)
    bcubed_recall = float((squared / size_t[cell_t]).sum() / n)

    exact = int(((shared == size_p[cell_p]) & (shared == size_t[cell_t])).sum())
    person_precision, person_recall = exact / n_p, exact / n_t

    false_merges = int((np.bincount(cell_p, minlength=n_p) > 1).sum())
    split_people = int((np.bincount(cell_t, minlength=n_t) > 1).sum())
    return Scores(n, n_p, n_t,
                  pair_precision, pair_recall, _f1(pair_precision, pair_recall),
                  bcubed_precision, bcubed_recall, _f1(bcubed_precision, bcubed_recall),
                  person_precision, person_recall, _f1(person_precision, person_recall),
                  false_merges, split_people)


def _codes(values: Iterable[Hashable], n: int) -> np.ndarray:
    """Labels as dense integers 0..k-1 (a dict is faster than sorting a million strings)."""
    seen: dict[Hashable, int] = {}
    return np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=n)


def _pairs(sizes: np.ndarray) -> int:
    """Number of unordered pairs within groups of these sizes: the sum of C(n, 2)."""
    s = sizes.astype(np.int64)
    return int((s * (s - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def read_truth_csv(path: Path) -> dict[tuple[str, str], str]:
    """Read ``source,record_id,person_id`` (extra columns ignored) as (source, record_id) -> person_id.

    Row numbers count the header as row 1, as a spreadsheet shows them. A
    record given twice with the same person is accepted; with two different
    people the truth contradicts itself and is refused.
    """
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CeintelError(f"{path}: cannot read the truth file ({exc.strerror})") from None
    with fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in TRUTH_COLUMNS if c not in header]
        if missing:
            raise CeintelError(f"{path}, row 1, field '{missing[0]}': column missing; a truth file needs "
                               f"the columns {', '.join(TRUTH_COLUMNS)}")
        at = [header.index(c) for c in TRUTH_COLUMNS]
        truth: dict[tuple[str, str], str] = {}
        first_row: dict[tuple[str, str], int] = {}
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # a blank line holds no record
            values = []
            for column, i in zip(TRUTH_COLUMNS, at, strict=True):
                value = row[i].strip() if i < len(row) else ""
                if not value:
                    raise CeintelError(f"{path}, row {row_number}, field '{column}': blank value; "
                                       f"every record needs a {column}")
                values.append(value)
            source, record_id, person_id = values
            key = (source, record_id)
            earlier = truth.get(key)
            if earlier is None:
                truth[key] = person_id
                first_row[key] = row_number
            elif earlier != person_id:
                raise CeintelError(f"{path}, row {row_number}, field 'person_id': record {source} "
                                   f"{record_id} is {person_id} here but {earlier} at row "
                                   f"{first_row[key]}; a record is one person")
    return truth
