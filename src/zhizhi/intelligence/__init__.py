"""Appeal intelligence: classification, duplicates, hotspots, reply quality.

Assistive only: a person confirms every suggestion.
"""
