"""Routing and AI assistance at intake: classification, dispatch recommendation (from the
dispatch catalogue 派单目录, which routing owns), duplicates; hotspot snapshots.

Every output is a stored suggestion (with model version, reasons, confidence) that a person
accepts or overrides; the decision and its reason are recorded.
"""
