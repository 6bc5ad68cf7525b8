"""Without a mail server, whole messages are saved as files and the log names them only by
subject and Message-ID: no address and no text reaches the worker's log."""

import logging

from django.core.mail import EmailMessage, get_connection


def test_the_default_backend_saves_messages_and_logs_no_address(settings, tmp_path, caplog):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    caplog.set_level(logging.INFO, logger="codesign.mail")
    message = EmailMessage(
        subject="Your sign-in code",
        body="Hello alex.morgan@example.org, your code is 4F7K2Q.",
        to=["alex.morgan@example.org"],
        headers={"Message-ID": "<abc123@codesign.localhost>"},
    )
    connection = get_connection("codesign.mail.SavedMailBackend")
    assert connection.send_messages([message]) == 1
    (saved,) = tmp_path.glob("*.eml")
    assert b"4F7K2Q" in saved.read_bytes()
    assert b"To: alex.morgan@example.org" in saved.read_bytes()
    assert "Your sign-in code" in caplog.text
    assert "Message-ID abc123@" in caplog.text
    assert str(saved) in caplog.text
    assert "alex.morgan" not in caplog.text
    assert "4F7K2Q" not in caplog.text


def test_dev_settings_use_it_unless_email_url_names_another(monkeypatch):
    import importlib

    import codesign.settings.base as base

    monkeypatch.delenv("EMAIL_URL", raising=False)
    assert importlib.reload(base).EMAIL_BACKEND == "codesign.mail.SavedMailBackend"
    monkeypatch.setenv("EMAIL_URL", "smtp://127.0.0.1:2525")
    assert importlib.reload(base).EMAIL_BACKEND.endswith("smtp.EmailBackend")
    monkeypatch.delenv("EMAIL_URL")
    importlib.reload(base)
