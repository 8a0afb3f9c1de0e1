"""Composition root for the web process."""
