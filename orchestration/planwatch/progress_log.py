"""One line per step on the terminal while `planwatch refresh` runs quietly: a Dagster logger that prints step
starts, successes, failures and skips to the stream the CLI sets (nothing at all when none is set: in the UI, the
daemon or tests it is silent)."""

import logging
import re

import dagster as dg

stream = None  # set by planwatch.refresh_run while a quiet refresh runs
_STEP = re.compile(
    r'(Finished execution of step|Execution of step|Dependencies for step|Skipping step) "?([\w\-]+)"?'
    r"(?: in ([\d.]+\s*m?s))?"
)


def say(text: str) -> None:
    target = stream
    if target is None:
        print(text, flush=True)
    else:
        print(text, file=target, flush=True)


class _StepLines(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if stream is None:
            return
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        kind = getattr(event, "event_type_value", None)
        step = meta.get("step_key") or ""
        if kind == "STEP_SUCCESS":
            took = _STEP.search(record.getMessage())
            print(f"  ✓ {step}" + (f" ({took.group(3)})" if took and took.group(3) else ""), file=stream, flush=True)
        elif kind == "STEP_FAILURE":
            print(f"  ✗ {step} failed (the summary says why)", file=stream, flush=True)
        elif kind == "STEP_SKIPPED":
            print(f"  - {step} skipped: blocked upstream", file=stream, flush=True)


@dg.logger(
    config_schema={"enabled": dg.Field(bool, default_value=True)},
    description="One line per step on the terminal of a quiet `planwatch refresh`.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("planwatch.progress")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    if init_context.logger_config["enabled"] and not any(isinstance(h, _StepLines) for h in logger.handlers):
        logger.addHandler(_StepLines())
    return logger
