"""Loaded by pytest before Django: safe defaults for the test environment.

The suite runs with DEBUG off, like production; only what a test server cannot have is relaxed here.
Anything already set in the environment (CI's DATABASE_URL, REDIS_URL) wins.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("MAIL_BACKEND", "locmem")
