"""The Open SDG progress measure: its published cut-offs and scores, and the edge cases plans bring."""

import pytest

from planwatch.progress import assess, assess_without_target, score_from_ratio, status_from_ratio


@pytest.mark.parametrize(
    "ratio, status",
    [
        (1.2, "on_track"),
        (0.95, "on_track"),
        (0.9499, "moderate"),
        (0.60, "moderate"),
        (0.5999, "limited"),
        (0.0, "limited"),
        (-0.0001, "deterioration"),
    ],
)
def test_published_cut_offs(ratio, status):
    assert status_from_ratio(ratio) == status


@pytest.mark.parametrize(
    "ratio, score",
    [
        (0.6, 7.1429 * 0.6 - 4.2857),
        (1.0, 2.8572),
        (2.0, 5.0),
        (0.5, 4.1667 * 0.5 - 2.5),
        (0.0, -2.5),
        (-1.0, -5.0),
    ],
)
def test_published_scores(ratio, score):
    assert score_from_ratio(ratio) == pytest.approx(score)


def test_cagr_ratio_on_track_and_its_arithmetic():
    # y0 = 100 (2020), target 121 in 2022 → required CAGR 10 %; observed 2021 = 110 → 10 % → R = 1
    progress = assess(2020, 100, 2021, 110, 2022, 121, "higher")
    assert progress.method == "cagr_ratio" and progress.ratio == pytest.approx(1.0)
    assert progress.status == "on_track" and progress.expected == pytest.approx(110.5)


def test_moderate_limited_and_deterioration():
    assert assess(2020, 100, 2021, 107, 2022, 121, "higher").status == "moderate"  # R ≈ 0.70
    assert assess(2020, 100, 2021, 103, 2022, 121, "higher").status == "limited"  # R ≈ 0.30
    assert assess(2020, 100, 2021, 98, 2022, 121, "higher").status == "deterioration"


def test_target_met_at_baseline_is_achieved_unless_it_slips():
    assert assess(2020, 100, 2023, 100, 2025, 96, "higher").status == "achieved"
    slipped = assess(2020, 96, 2023, 95, 2025, 96, "higher")
    assert slipped.status == "deterioration"


def test_lower_is_better():
    # PM2.5 from 30 to 27 with a target of 25 by 2025: falling is progress
    progress = assess(2020, 30, 2022, 27, 2025, 25, "lower")
    assert progress.status in ("on_track", "moderate") and progress.ratio > 0
    assert assess(2020, 30, 2022, 33, 2025, 25, "lower").status == "deterioration"
    assert assess(2020, 30, 2022, 24, 2025, 25, "lower").status == "achieved"


def test_zero_baseline_becomes_a_small_number():
    progress = assess(2020, 0, 2022, 2, 2025, 5, "higher")
    assert progress.method == "cagr_ratio" and progress.status == "on_track"


def test_new_counts_and_near_limit_rates_follow_the_straight_path():
    new = assess(2020, 0, 2022, 4, 2025, 10, "higher", accumulation="new")
    assert new.method == "linear_path" and new.expected == pytest.approx(4) and new.ratio == pytest.approx(1.0)
    near = assess(2020, 96, 2022, 96.4, 2025, 98, "higher", limit=100)
    assert near.method == "linear_path" and near.expected == pytest.approx(96.8)
    assert near.ratio == pytest.approx(0.5) and near.status == "limited"


def test_range_targets():
    assert assess(2020, 0, 2023, 2, 2025, 1, "band", target_upper=3).status == "achieved"
    below = assess(2020, 0, 2023, 0.5, 2025, 1, "band", target_upper=3, accumulation="new")
    assert below.status in ("on_track", "moderate", "limited") and below.method == "linear_path"


def test_what_cannot_be_assessed_says_why():
    assert assess(None, None, 2023, 97, 2025, 98, "higher").reason.startswith("no base value")
    assert assess(2020, 96, 2020, 96.5, 2025, 98, "higher").reason.startswith("only one data point")
    assert assess(2020, 96, None, None, 2025, 98, "higher").reason == "no actual value published yet"
    assert assess(2020, 96, 2023, 97, 2025, None, "higher").reason == "no numeric target"
    assert assess(2020, 96, 2023, 97, 2025, 98, None).reason == "direction of the indicator is unknown"


def test_without_target_thresholds_scale_near_the_limit():
    assert assess_without_target(2020, 50, 2022, 52, "higher").status == "on_track"  # ≈ 2 % a year
    near = assess_without_target(2020, 99, 2022, 99.2, "higher", limit=100)  # thresholds shrink near 100 %
    assert near.status == "on_track"
    assert assess_without_target(2020, 99, 2022, 99.2, "higher").status == "limited"


def test_one_definition_of_meeting_a_target_for_verdicts_and_progress():
    """A strict comparator stays strict (pw_meets, the dbt verdicts, calls this same function), and the progress
    measure takes a direction in either spelling."""
    from planwatch.progress import meets

    assert meets(96.0, 96.0, ">=") and not meets(96.0, 96.0, ">") and not meets(0.5, 0.5, "<")
    assert meets(2.0, 1.0, "range", 3.0) and not meets(4.0, 1.0, "range", 3.0)
    assert meets(28.0, 30.0, "lower") and meets(28.0, 30.0, "<=")
    assert assess(2020, 90.0, 2023, 96.0, 2025, 96.0, ">", None).status != "achieved"
    assert assess(2020, 90.0, 2023, 96.0, 2025, 96.0, ">=", None).status == "achieved"
    assert assess(2020, 90.0, 2023, 93.0, 2025, 96.0, ">=", None) == assess(
        2020, 90.0, 2023, 93.0, 2025, 96.0, "higher", None
    )
