"""A realistic demo county, made deterministically from a seed.

Five townships of about eight villages each, households spread around the campaign lines, members
with valid ID numbers, and the demo accounts (`seed`). The generators are importable on their own
(`People`, `household`), so a benchmark can make the seeder's households without a database.
"""

from server.demo.campaigns import EXIT_CAMPAIGN_LINES, LOOKBACK_LINES, PASSWORD
from server.demo.county import seed
from server.demo.households import household
from server.demo.people import People

__all__ = ["EXIT_CAMPAIGN_LINES", "LOOKBACK_LINES", "PASSWORD", "People", "household", "seed"]
