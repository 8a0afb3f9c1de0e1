"""Chinese address parser (地址要素解析): CRF sequence labelling + division gazetteer.

>>> from zhizhi.addresses.parser import parse
>>> parse("湖南省长沙市岳麓区麓山南路932号").divisions["county"].name
'岳麓区'
"""

from zhizhi.addresses.parser.api import LABELS, Division, Element, ParsedAddress, parse, parse_many
from zhizhi.addresses.parser.model import ModelUnavailable, train

__all__ = [
    "LABELS",
    "Division",
    "Element",
    "ModelUnavailable",
    "ParsedAddress",
    "parse",
    "parse_many",
    "train",
]
