"""Production is locked down by configuration alone: with the environment the README's production
section gives, Django's deployment check finds nothing to warn about."""

import os
import secrets
import subprocess
import sys

from cad.bench import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "cad.example.gov",
    "CSRF_TRUSTED_ORIGINS": "https://cad.example.gov",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_HTTPS_PROXY": "1",
}


def deploy_check(**env) -> subprocess.CompletedProcess:
    # The browser tests' harness allows the ORM in Playwright's event loop; production never does.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "SECRET_KEY": secrets.token_urlsafe(50), **env})


def test_the_documented_production_environment_passes_the_deployment_check():
    done = deploy_check(**PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_it_the_check_says_what_is_missing():
    done = deploy_check(**{**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_PRELOAD": "0"})
    assert done.returncode != 0
    assert "security.W008" in done.stderr and "security.W021" in done.stderr
