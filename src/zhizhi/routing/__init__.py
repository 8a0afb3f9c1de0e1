"""Routing and AI assistance at intake: classification, dispatch recommendation, duplicates.

Every output is a stored suggestion (with model version, reasons, confidence) that a person
accepts or overrides; the decision and its reason are recorded.
"""
