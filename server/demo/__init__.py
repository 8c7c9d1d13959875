"""A realistic demo county, made deterministically from a seed.

Five townships of eight villages each; every family surveyed in the 2020 exit review (near its end:
most records accepted, some still in review) and in the closed 2019 look-back (the same families a
year earlier); households spread around the campaign lines, members with valid ID numbers, and the
demo accounts (`seed`). The generators are importable on their own
(`People`, `household`), so a benchmark can make the seeder's households without a database.
"""

from server.demo.campaigns import (
    EXIT_CAMPAIGN_ID,
    EXIT_CAMPAIGN_LINES,
    LOOKBACK_CAMPAIGN_ID,
    LOOKBACK_LINES,
    PASSWORD,
)
from server.demo.county import seed
from server.demo.households import household
from server.demo.people import People

__all__ = [
    "EXIT_CAMPAIGN_ID",
    "EXIT_CAMPAIGN_LINES",
    "LOOKBACK_CAMPAIGN_ID",
    "LOOKBACK_LINES",
    "PASSWORD",
    "People",
    "household",
    "seed",
]
