"""nbgrader's exchange as an HTTP client of the LMS (docs/exchange-api.md).

Runs in learners' lab servers and in ``nbgrader`` commands there; imports
nbgrader, traitlets and requests, never Django. hub_config/nbgrader_config.py
names these classes in ``ExchangeFactory``.
"""

from .exchange import LMSExchange
from .fetch import LMSFetchAssignment, LMSFetchFeedback
from .instructor import LMSCollect, LMSReleaseAssignment, LMSReleaseFeedback
from .listing import LMSList
from .submit import LMSSubmit

__all__ = [
    "LMSCollect",
    "LMSExchange",
    "LMSFetchAssignment",
    "LMSFetchFeedback",
    "LMSList",
    "LMSReleaseAssignment",
    "LMSReleaseFeedback",
    "LMSSubmit",
]
