"""Tests: fast hashing, in-memory mail, deterministic secrets."""

from .base import *

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["*"]
CIVICDESK_LIVE_HISTORY_SECONDS = 0  # each snapshot reads everything (ids repeat across tests)
CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS = 0
CIVICDESK_QUEUES_ESTIMATE_SECONDS = 0  # every estimate computed (state_cache tests set it)
