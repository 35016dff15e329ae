"""Optional error reports to Sentry (`SENTRY_DSN`, with `pip install .[sentry]`): types and stack frames only.

`init_sentry` is called once by `stretchbot run` (never on import, never by `build_application`: tests build many
applications in one process). Nothing is captured on its own: no logging integration, no breadcrumbs, no local
variables; `ErrorReporter` captures each unhandled error explicitly, and `strip_event` removes from every event what
could hold user content or the token: exception messages, local variables, request data, users, extras, breadcrumbs;
anything token-shaped left over is replaced.
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any

log = logging.getLogger(__name__)

_TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_DROPPED = ("request", "user", "extra", "breadcrumbs", "tags", "server_name")
_enabled = False


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _TOKEN_RE.sub("<token>", value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _strip_frames(container: dict[str, Any]) -> None:
    for frame in container.get("stacktrace", {}).get("frames", []) or []:
        for key in ("vars", "pre_context", "post_context", "context_line"):
            frame.pop(key, None)


def strip_event(event: dict[str, Any], _hint: Any = None) -> dict[str, Any]:
    """Sentry's `before_send`: keep the exception types and where they happened, drop everything else."""
    for key in _DROPPED:
        event.pop(key, None)
    for exception in (event.get("exception") or {}).get("values", []) or []:
        exception["value"] = "(message not sent)"
        _strip_frames(exception)
    for thread in (event.get("threads") or {}).get("values", []) or []:
        _strip_frames(thread)
    if "logentry" in event:
        event["logentry"] = {"message": (event["logentry"] or {}).get("message", "")}
    event.pop("message", None)
    scrubbed: dict[str, Any] = _scrub(event)
    return scrubbed


def init_sentry(dsn: str, **options: Any) -> bool:
    """Start reporting to Sentry; False (with one log line) if sentry-sdk is not installed."""
    global _enabled
    try:
        import sentry_sdk
    except ImportError:
        log.warning("SENTRY_DSN is set but sentry-sdk is not installed: pip install '.[sentry]' (no reports sent)")
        return False
    with warnings.catch_warnings():  # newer sentry-sdk prefers data_collection; send_default_pii=False still holds
        warnings.simplefilter("ignore", DeprecationWarning)
        _init(sentry_sdk, dsn, options)
    _enabled = True
    log.info("errors are reported to Sentry (without user data)")
    return True


def _init(sentry_sdk: Any, dsn: str, options: dict[str, Any]) -> None:
    sentry_sdk.init(
        dsn=dsn,
        send_default_pii=False,
        include_local_variables=False,
        include_source_context=False,
        max_breadcrumbs=0,
        default_integrations=False,
        auto_enabling_integrations=False,
        before_send=strip_event,
        **options,
    )


def close_sentry() -> None:
    """Stop reporting (tests)."""
    global _enabled
    if _enabled:
        import sentry_sdk

        sentry_sdk.get_client().close()
        sentry_sdk.init()  # a client without a DSN: captures nothing
        _enabled = False


def capture(exc: BaseException) -> None:
    """Send `exc` to Sentry, if `init_sentry` ran."""
    if _enabled:
        import sentry_sdk

        sentry_sdk.capture_exception(exc)
