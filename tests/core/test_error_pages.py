"""`make run` serves the portal as a partner sees it: its own error pages, static files through WhiteNoise.

The first test starts `scripts/run.sh` itself (what `make run` runs after installing) on a free port and a
throwaway SQLite file, asks it for a page that does not exist and for a stylesheet, then stops it (its
trap stops every service and Redis). It needs what `make install` provides: redis-server and the npm assets.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views import defaults

ROOT = Path(settings.BASE_DIR)
START_TIMEOUT_S = 240   # migrate and load the demo on an empty SQLite file, collect the static files
STOP_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers (lower-case names) and body text of a GET; error statuses are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a loopback URL we built)
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


@pytest.fixture
def make_run(tmp_path):
    """`scripts/run.sh` on a free port with its own database, mail and document folders; yields its base URL."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DATABASE_URL")}
    env.update({
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    })
    log = (tmp_path / "run.log").open("w")
    # Its own session: the script and every service it starts can be stopped together if the test fails.
    process = subprocess.Popen(["scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"scripts/run.sh exited with {process.returncode}:\n{(tmp_path / 'run.log').read_text()}")
            try:
                if _get(f"{base}/login/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"scripts/run.sh did not answer in {START_TIMEOUT_S} s:\n"
                            f"{(tmp_path / 'run.log').read_text()[-4000:]}")
            time.sleep(0.5)
        yield base
        # Stop it as a service manager would: the script's trap stops the services and Redis. (Not SIGINT:
        # a suite started in the background inherits SIGINT ignored, and the script could not trap it.)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


# `make run` serves SQLite whatever the suite runs on: checked once, in the SQLite run (scripts/test.sh).
@pytest.mark.embedded
def test_make_run_answers_a_missing_page_with_the_portals_404_and_serves_static_files(make_run):
    # given the portal started as `make run` starts it
    # when a partner opens an address that does not exist
    status, headers, body = _get(f"{make_run}/no-such-page/")

    # then they get the portal's own page, in its look, and never Django's debug page with the URL list
    assert status == 404
    assert "We can't find that page" in body
    assert "/static/css/portal.css" in body and "salesforce-lightning-design-system" in body
    assert "Using the URLconf" not in body and "DEBUG = True" not in body

    # when the browser fetches the stylesheet that page links
    status, headers, body = _get(f"{make_run}/static/css/portal.css")

    # then WhiteNoise serves the collected file (it allows any origin and sets a cache lifetime; Django's
    # debug-only static view does neither)
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert body == (ROOT / "static" / "css" / "portal.css").read_text()
    assert headers.get("access-control-allow-origin") == "*"
    assert re.search(r"max-age=\d+", headers.get("cache-control", ""))


def test_server_error_page_renders_in_the_portals_look_without_a_request_context():
    # given a request that failed so badly that nothing but the error handler runs
    request = RequestFactory().get("/quotes/1/")

    # when Django's server error view answers (it renders 500.html with an empty context)
    response = defaults.server_error(request)
    body = response.content.decode()

    # then the partner sees the portal's look and a plain message, not a stack trace
    assert response.status_code == 500
    assert "salesforce-lightning-design-system" in body and "/static/css/portal.css" in body
    assert "portal-brand" in body and "Something went wrong on our side" in body and "nothing was changed" in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_portals_page(client, user_it):
    # given a partner whose form lost its CSRF token (an expired page, cookies blocked)
    client.handler.enforce_csrf_checks = True
    client.force_login(user_it)

    # when the form is sent
    response = client.post("/logout/")

    # then the portal answers in its own look, says nothing changed, and shows none of Django's own text
    body = response.content.decode()
    assert response.status_code == 403
    assert "This page has expired" in body and "Nothing was changed" in body and "slds-global-header" in body
    assert "CSRF verification failed" not in body
