"""Metric labels are a fixed, small vocabulary: a Bot API method name or "other", an HTTP status or a failure kind.
Whatever a URL holds (the token, a chat id) cannot become a label."""

from __future__ import annotations

from bot.health.metrics import Metrics, method_label, status_label


def test_only_method_names_become_labels() -> None:
    assert method_label("sendMessage") == "sendMessage"
    for odd in ("123456789:AAbbCCddEEffGGhhIIjjKK/sendMessage", "send_message?chat_id=42", "", "x" * 41, "getMe2"):
        assert method_label(odd) == "other"


def test_statuses_are_http_codes_or_a_failure_kind() -> None:
    assert [status_label(s) for s in (200, 429, "timeout", "network_error")] == [
        "200",
        "429",
        "timeout",
        "network_error",
    ]
    assert [status_label(s) for s in (42, 1000, "boom")] == ["other", "other", "other"]


def test_two_applications_in_one_process_have_their_own_counts() -> None:
    first, second = Metrics(), Metrics()
    first.reminder_sent(3.0, marked_late=False)
    assert b"stretchbot_reminders_sent_total 1.0" in first.exposition()
    assert b"stretchbot_reminders_sent_total 0.0" in second.exposition()
