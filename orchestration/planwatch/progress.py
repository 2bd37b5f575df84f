"""Progress toward a target: the Statistics Canada / Open SDG progress measure (open-sdg/sdg-build,
sdg/ProgressMeasure.py), with the straight-path variant plans need for 新增 counts and rates pinned near 100%.

This is the one implementation; dbt calls it as `pw_assess_progress(...)` (registered by planwatch.dbt.plugin),
and docs/methodology.md explains it with worked examples. In short, for base (t0, y0), latest (t, y) and target
(tT, T) with direction d (+1 higher is better, −1 lower is better):

1. Target check first: if y already meets T in the desired direction (or lies inside a range target), the status
   is `achieved`, whatever the trend.
2. CAGR ratio (levels): g_o = (y/y0)^(1/(t−t0)) − 1, g_r = (T/y0)^(1/(tT−t0)) − 1, R = s·d·g_o/|g_r| with
   s = −1 when y0 < 0. Straight path (新增 counts, rates near 100 %): expected = y0 + (T − y0)(t − t0)/(tT − t0),
   R = (y − y0)/(expected − y0).
3. R ≥ 0.95 `on_track` (Open SDG: substantial progress), 0.60 ≤ R < 0.95 `moderate`, 0 ≤ R < 0.60 `limited`,
   R < 0 `deterioration`. Score on [−5, 5]: min(7.1429·R − 4.2857, 5) for R ≥ 0.6, max(4.1667·R − 2.5, −5) below;
   5 when achieved.
4. Data rules: zeros become 0.001 (a CAGR cannot start at 0); two points are needed (t > t0).
"""

from dataclasses import asdict, dataclass

SUBSTANTIAL, MODERATE = 0.95, 0.60
NO_TARGET_THRESHOLDS = (0.015, 0.005, 0.0)  # substantial, moderate, limited (progress without a target)
ZERO = 0.001
# A rate whose target is this close to its natural limit (100 %) moves along a straight path, not a CAGR.
NEAR_LIMIT_SHARE = 0.95


@dataclass(frozen=True)
class Progress:
    status: str  # achieved, on_track, moderate, limited, deterioration, not_assessable
    reason: str
    method: str | None = None  # target_check, cagr_ratio, linear_path, cagr_no_target
    ratio: float | None = None
    score: float | None = None
    expected: float | None = None  # value on the straight path for the latest year

    def as_dict(self) -> dict:
        return asdict(self)


def score_from_ratio(ratio: float) -> float:
    if ratio >= MODERATE:
        return min(7.1429 * ratio - 4.2857, 5.0)
    return max(4.1667 * ratio - 2.5, -5.0)


def status_from_ratio(ratio: float) -> str:
    if ratio >= SUBSTANTIAL:
        return "on_track"
    if ratio >= MODERATE:
        return "moderate"
    if ratio >= 0:
        return "limited"
    return "deterioration"


# A target's direction, in either of its two spellings: the comparator (the printed one, or the catalog's read as
# one by the dbt macro target_direction) or the way it points. One table, so that the verdicts (dbt, through
# pw_meets) and the progress measure judge "meets the target" alike, strict comparators included.
WAY = {
    ">=": "higher",
    ">": "higher",
    "<=": "lower",
    "<": "lower",
    "range": "band",
    "higher": "higher",
    "lower": "lower",
    "band": "band",
}


def meets(value: float, target: float, direction: str, upper: float | None = None) -> bool:
    """Whether `value` meets the target: the one definition of a verdict (dbt calls it as pw_meets)."""
    if direction in ("band", "range"):
        return target <= value <= (upper if upper is not None else target)
    if direction == ">":
        return value > target
    if direction == "<":
        return value < target
    if WAY.get(direction) == "lower":
        return value <= target
    return value >= target


def assess(
    base_year: int | None,
    base_value: float | None,
    latest_year: int | None,
    latest_value: float | None,
    target_year: int | None,
    target_value: float | None,
    direction: str | None,
    target_upper: float | None = None,
    accumulation: str = "level",
    limit: float | None = None,
) -> Progress:
    """Status of one series toward one numeric target (see the module docstring)."""
    if target_value is None or target_year is None:
        return Progress("not_assessable", "no numeric target")
    if direction not in WAY:
        return Progress("not_assessable", "direction of the indicator is unknown")
    if latest_value is None or latest_year is None:
        return Progress("not_assessable", "no actual value published yet")
    met = meets(latest_value, target_value, direction, target_upper)
    direction = WAY[direction]
    if met:
        return Progress(
            "achieved",
            f"{latest_year} value {latest_value:g} already meets the target",
            "target_check",
            score=5.0,
            expected=_expected(base_year, base_value, latest_year, target_year, target_value),
        )
    if base_value is None or base_year is None:
        return Progress("not_assessable", "no base value: at least two data points are needed")
    if latest_year <= base_year:
        return Progress("not_assessable", "only one data point (the latest year is the base year)")
    if target_year <= base_year:
        return Progress("not_assessable", "the target year is not after the base year")
    if direction == "band":
        # Outside a band: moving toward its nearer edge is progress.
        edge = target_value if latest_value < target_value else (target_upper or target_value)
        direction, target_value = ("higher" if latest_value < edge else "lower"), edge

    expected = _expected(base_year, base_value, latest_year, target_year, target_value)
    if accumulation == "new" or _near_limit(target_value, limit):
        if expected == base_value:
            return Progress("not_assessable", "the target asks for no change from the base value", "linear_path")
        ratio = (latest_value - base_value) / (expected - base_value)
        method = "linear_path"
    else:
        sign = -1.0 if base_value < 0 else 1.0
        d = 1.0 if direction == "higher" else -1.0
        y0, y, target = (_nonzero(v) for v in (base_value, latest_value, target_value))
        if y0 * y < 0 or y0 * target < 0:
            return Progress("not_assessable", "values change sign: a growth rate is not defined", "cagr_ratio")
        observed = (y / y0) ** (1 / (latest_year - base_year)) - 1
        required = (target / y0) ** (1 / (target_year - base_year)) - 1
        if required == 0:
            return Progress(
                "deterioration",
                "the base value met the target and the latest no longer does",
                "cagr_ratio",
                score=-5.0,
                expected=expected,
            )
        ratio = sign * d * observed / abs(required)
        method = "cagr_ratio"
    status = status_from_ratio(ratio)
    return Progress(status, f"progress ratio {ratio:.2f} ({method})", method, ratio, score_from_ratio(ratio), expected)


def assess_without_target(
    base_year: int, base_value: float, latest_year: int, latest_value: float, direction: str, limit: float | None = None
) -> Progress:
    """Open SDG's measure for a series with no target: the observed CAGR against 1.5 % / 0.5 % / 0, with the
    positive thresholds scaled down near a natural limit L: C = 1 − (b/L)^4.44 (b = |y0| ≤ L)."""
    if latest_year <= base_year:
        return Progress("not_assessable", "only one data point")
    y0, y = _nonzero(base_value), _nonzero(latest_value)
    if y0 * y < 0:
        return Progress("not_assessable", "values change sign: a growth rate is not defined")
    sign = -1.0 if y0 < 0 else 1.0
    d = 1.0 if direction == "higher" else -1.0
    value = sign * d * ((y / y0) ** (1 / (latest_year - base_year)) - 1)
    scale = _limit_scale(abs(base_value), limit)
    substantial, moderate, limited = (t * scale for t in NO_TARGET_THRESHOLDS)
    if value >= substantial:
        status = "on_track"
    elif value >= moderate:
        status = "moderate"
    elif value >= limited:
        status = "limited"
    else:
        status = "deterioration"
    return Progress(status, f"growth {value:.4f} per year without a target", "cagr_no_target", value)


def _limit_scale(base: float, limit: float | None) -> float:
    if limit is None or limit <= 0:
        return 1.0
    if base <= limit:
        return 1 - (base / limit) ** 4.44
    if base >= 2 * limit:
        return 1.0
    return 1 - ((2 * limit - base) / limit) ** 4.44


def _expected(base_year, base_value, latest_year, target_year, target_value) -> float | None:
    if None in (base_year, base_value, latest_year) or target_year == base_year:
        return None
    return base_value + (target_value - base_value) * (latest_year - base_year) / (target_year - base_year)


def _near_limit(target: float, limit: float | None) -> bool:
    return limit is not None and limit > 0 and target >= NEAR_LIMIT_SHARE * limit


def _nonzero(value: float) -> float:
    return ZERO if value == 0 else value
