"""Proposals for indicator names the catalog does not know yet: the one fuzzy name matcher.

A plan written by another region names the same measure in its own words (产品质量监督抽查合格率 vs 重点工业产品质量
监督抽查合格率). For each published name without a reviewed mapping, `propose` ranks the catalog ids by three
things, each stated in the proposal's reason:
- name similarity (rapidfuzz, on names stripped of what only decorates them: brackets, quotes, 主要, a scope such
  as 全市, the words for cumulative or new), against every name the id is already known by — its catalog name and
  every reviewed alias;
- agreement of the unit kind (a % is a rate, 家 a count, µg/m3 a concentration) with the id's measure type;
- domain words (标准, 计量, 商标 …; the vocabulary `domain_word`) shared with the id's domain.
A person accepts one (`planwatch map`), or defines a new catalog entry. Nothing is mapped by this code itself.
`leave_one_out` measures how often the right id is ranked first, using the reviewed aliases as truth.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache, cached_property

import numpy
from rapidfuzz import fuzz, process

from planwatch import vocabulary
from planwatch.settings import DBT_PROJECT_DIR
from planwatch.values import is_count_unit, normalise, parse_unit

TOP = 3
# A proposal this good or better makes a name's mapping_status 'proposed'; below it the name is 'unmapped'.
PROPOSE_MIN = 0.6
UNIT_AGREES, UNIT_DIFFERS = 0.10, -0.20
DOMAIN_AGREES, DOMAIN_DIFFERS = 0.05, -0.05
_DECORATION = re.compile(r"[(（][^)）]*[)）]|[“”\"'《》「」\s]|^\d+[.、．]")
_LEADING = re.compile(r"^(?:主要|全市|全区|全县|全省|全域|市区|我市|本市|累计|新增)+")
_SYNONYMS = (("抽检", "监测"), ("抽查", "监测"))


@dataclass(frozen=True)
class CatalogEntry:
    indicator_id: str
    name_zh: str
    domain: str
    measure_type: str
    canonical_unit: str


@dataclass(frozen=True)
class Candidate:
    indicator_id: str
    score: float
    name_similarity: float
    matched_on: str
    reason: str


def name_key(name: str) -> str:
    """A name without what only decorates it, for comparing (never for storing)."""
    key = _DECORATION.sub("", normalise(name or ""))
    key = _LEADING.sub("", key)
    for word, same in _SYNONYMS:
        key = key.replace(word, same)
    return key


def unit_kind(unit: str | None) -> str | None:
    """rate, count, concentration, intensity, score or amount; None when no unit is known."""
    if not unit:
        return None
    parsed = parse_unit(unit)
    base = parsed.unit if parsed else normalise(unit)
    if base in ("%", "‰", "个百分点", "百分点"):
        return "rate"
    if is_count_unit(base):
        return "count"
    if "立方米" in base and ("微克" in base or "毫克" in base) or base.lower() in ("µg/m3", "ug/m3", "mg/m3"):
        return "concentration"
    if base in ("分",):
        return "score"
    if "/" in base or "每" in base:
        return "intensity"
    return "amount"


def domains_of(name: str) -> set[str]:
    words = vocabulary.codes("domain_word")
    return {vocabulary.code_class("domain_word", w) for w in words if w in (name or "")}


def same_characters(a: str, b: str) -> float:
    """How much of two names is the same characters in the same order, 0..1: 2 × their longest common subsequence
    over their total length (rapidfuzz's normalised Indel similarity). The extractor uses it to tell a repeat of a
    table row in prose; the proposals below build on it."""
    return fuzz.ratio(a, b) / 100 if a and b else 0.0


def _similarities(key: str, known: "Known") -> list[float]:
    """The similarity of `key` to every known key, 0..1 (0 where either is empty). A name inside a longer one
    (制造业产品质量合格率 in 规模以上制造业产品质量合格率) counts a little less than an equal one, so that of two
    candidates the one that says the same is first. rapidfuzz's cdist scores all the keys in one call."""
    keys = known.keys
    if not key or not keys:
        return [0.0] * len(keys)
    whole = process.cdist([key], keys, scorer=fuzz.ratio, dtype=numpy.float64)[0]
    inside = process.cdist([key], keys, scorer=fuzz.partial_ratio, dtype=numpy.float64)[0]
    scores = numpy.maximum(whole, 0.9 * inside) / 100
    return [score if other else 0.0 for score, other in zip(scores.tolist(), keys, strict=True)]


@dataclass(frozen=True)
class Known:
    """(name, indicator_id, name_key of the name): the names ids are known by, each key computed once rather than
    once per proposal (a thousand new names against seven hundred known ones is 700,000 keys otherwise)."""

    entries: tuple[tuple[str, str, str], ...]

    @cached_property
    def keys(self) -> list[str]:
        return [entry[2] for entry in self.entries]

    def without(self, index: int) -> "Known":
        return Known(self.entries[:index] + self.entries[index + 1 :])


def propose(
    name: str, unit: str | None, known: Known, catalog: dict[str, CatalogEntry], top: int = TOP
) -> list[Candidate]:
    """Up to `top` catalog ids for a published name, best first. `known`: the catalog names and the reviewed
    aliases (`known_names`)."""
    key, kind, domains = name_key(name), unit_kind(unit), domains_of(name)
    best: dict[str, tuple[float, str]] = {}
    for (known_name, indicator_id, _), similarity in zip(known.entries, _similarities(key, known), strict=True):
        if indicator_id not in catalog:
            continue
        if similarity > best.get(indicator_id, (-1.0, ""))[0]:
            best[indicator_id] = (similarity, known_name)
    # Ranked on the scores alone; the reasons are written for the few proposals kept (a thousand new names would
    # otherwise format 300,000 reasons to print three each).
    ranked = [
        (_rounded(_score(similarity, kind, domains, catalog[indicator_id])[0]), round(similarity, 3), indicator_id)
        for indicator_id, (similarity, _) in best.items()
    ]
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))
    proposals = []
    for score, rounded_similarity, indicator_id in ranked[:top]:
        similarity, matched_on = best[indicator_id]
        _, reasons = _score(similarity, kind, domains, catalog[indicator_id], matched_on)
        proposals.append(Candidate(indicator_id, score, rounded_similarity, matched_on, "; ".join(reasons)))
    return proposals


def _score(
    similarity: float, kind: str | None, domains: set[str], entry: CatalogEntry, matched_on: str | None = None
) -> tuple[float, list[str]]:
    """A candidate's score: its name similarity, moved by the unit kind's and the domain's agreement; and, when
    `matched_on` is given, the reasons that say so."""
    explain = matched_on is not None
    reasons = [f"name {similarity:.2f} like {matched_on!r}"] if explain else []
    score = similarity
    entry_kind = entry.measure_type if entry.measure_type != "qualitative" else None
    if kind and entry_kind:
        agrees = kind == entry_kind
        score += UNIT_AGREES if agrees else UNIT_DIFFERS
        if explain:
            reasons.append(f"unit kind {kind} {'agrees' if agrees else 'differs from ' + entry_kind}")
    if domains:
        agrees = entry.domain in domains
        score += DOMAIN_AGREES if agrees else DOMAIN_DIFFERS
        if explain:
            reasons.append(
                f"domain {entry.domain} {'agrees' if agrees else 'differs from ' + '/'.join(sorted(domains))}"
            )
    return score, reasons


def _rounded(score: float) -> float:
    return round(min(max(score, 0.0), 1.0), 3)


# ---- the reviewed truth, for proposals and for measuring them ---------------------------------------------------


def _seed(name: str) -> list[dict]:
    with open(DBT_PROJECT_DIR / "seeds" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def seed_catalog() -> dict[str, CatalogEntry]:
    return {
        r["indicator_id"]: CatalogEntry(
            r["indicator_id"], r["name_zh"], r["domain"], r["measure_type"], r["canonical_unit"]
        )
        for r in _seed("indicator_catalog.csv")
    }


@cache
def seed_aliases() -> tuple[tuple[str, str], ...]:
    return tuple((r["name_as_published"], r["indicator_id"]) for r in _seed("indicator_aliases.csv"))


def known_names(catalog: dict[str, CatalogEntry], aliases) -> Known:
    """The catalog's own names, then the aliases ((name, indicator_id) pairs), in that order."""
    pairs = [(e.name_zh, e.indicator_id) for e in catalog.values()] + list(aliases)
    return Known(tuple((name, indicator_id, name_key(name)) for name, indicator_id in pairs))


@dataclass(frozen=True)
class Measured:
    aliases: int
    first: int  # the right id ranked first
    in_top: int  # the right id among the proposals
    trivial: int  # the alias is the catalog's own name: kept out of the figures

    def share_first(self) -> float:
        return self.first / (self.aliases or 1)


def leave_one_out(
    catalog: dict[str, CatalogEntry] | None = None, aliases=None, units: dict[str, str] | None = None
) -> Measured:
    """For each reviewed alias, propose ids for its name with that alias left out of what is known, and count how
    often its reviewed id comes first. An alias that is the catalog's own name would find itself: not counted.
    `units` (name → a unit printed with it) lets the unit kind take part, as it does for a real new name."""
    catalog = catalog or seed_catalog()
    aliases = list(aliases if aliases is not None else seed_aliases())
    units = units or {}
    known = known_names(catalog, aliases)
    first = in_top = trivial = counted = 0
    for i, (name, truth) in enumerate(aliases):
        if truth not in catalog or name_key(name) == name_key(catalog[truth].name_zh):
            trivial += 1  # it would find the catalog's own name
            continue
        others = known.without(len(catalog) + i)  # the aliases come after the catalog's names
        proposals = propose(name, units.get(name) or catalog[truth].canonical_unit or None, others, catalog)
        counted += 1
        first += bool(proposals) and proposals[0].indicator_id == truth
        in_top += any(p.indicator_id == truth for p in proposals)
    return Measured(counted, first, in_top, trivial)


CANDIDATE_COLUMNS = [
    "name_as_published",
    "candidate_rank",
    "candidate_indicator_id",
    "score",
    "name_similarity",
    "matched_on",
    "reason",
    "is_proposal",
]


def candidate_rows(names, catalog_rows, alias_rows):
    """The proposals for every name of `names` (frames of int_unmapped_names, int_indicator_catalog,
    int_indicator_aliases) as a frame of CANDIDATE_COLUMNS: what dbt's int_mapping_candidates holds."""
    import pandas as pd

    catalog = {
        r.indicator_id: CatalogEntry(r.indicator_id, r.name_zh, r.domain, r.measure_type, r.canonical_unit or "")
        for r in catalog_rows.itertuples()
    }
    known = known_names(catalog, [(r.name_as_published, r.indicator_id) for r in alias_rows.itertuples()])
    rows = []
    for name in names.itertuples():
        unit = name.unit if isinstance(name.unit, str) else None
        for rank, candidate in enumerate(propose(name.name_as_published, unit, known, catalog), start=1):
            rows.append(
                [
                    name.name_as_published,
                    rank,
                    candidate.indicator_id,
                    candidate.score,
                    candidate.name_similarity,
                    candidate.matched_on,
                    candidate.reason,
                    candidate.score >= PROPOSE_MIN,
                ]
            )
    # Types given even for an empty frame (every name mapped), whose object columns DuckDB could not type.
    text = dict.fromkeys(("name_as_published", "candidate_indicator_id", "matched_on", "reason"), "string")
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS).astype(
        text | {"candidate_rank": "int32", "score": "float64", "name_similarity": "float64", "is_proposal": "bool"}
    )
