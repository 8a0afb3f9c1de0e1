"""Zhizhi (智治): a platform for holistic smart governance (整体智治)."""

__version__ = "0.1.0"
