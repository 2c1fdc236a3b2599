"""Periodic queue jobs."""
