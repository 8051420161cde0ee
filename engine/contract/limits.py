"""Limits on what runstrong reads, so hostile or broken input fails fast with a clear message.

These are technical bounds on input, not coaching choices: none of them changes a
recommendation for any real athlete. Each is far above what a real file needs and far below
what would exhaust the machine, and each error message names the limit it hit.
"""

from __future__ import annotations

import datetime as dt

# Dates a request may carry. Date arithmetic on the history (ISO weeks, the 7-day HIIT window,
# hours to the next quality run) overflows near year 1 and year 9999; real training logs
# need neither end. runstrong default: 1900-01-01 to 2199-12-31.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)

# How far ahead an imported calendar's repeats that are not a plain weekly run (an end date, a
# count, every other week, daily ...) are written out as one-off runs: a training plan runs
# for months; importing the file again later extends it. runstrong default.
CALENDAR_HORIZON_DAYS = 366
# The most dates one repeating event may give within that horizon: a run every day is 366, two
# a day 732; an hourly repeat is refused rather than written out as thousands of runs.
CALENDAR_MAX_OCCURRENCES = 800

# Plausibility bounds on what an athlete or a coach types, so that a slip ("3x10@99999999",
# "--bells 500", a 3,000 kg 1RM) is refused with the range instead of stored and planned
# with. Far above any real value: the heaviest lifts on record are about 500 kg, the
# heaviest kettlebells and dumbbells made about 100 and 150 kg. runstrong defaults.
MAX_LOAD_KG = 600.0
MAX_IMPLEMENT_KG = 200.0
MAX_SETS = 100
MAX_REPS = 1000
# A program is followed for months; a week number past two years is a typo.
MAX_PROGRAM_WEEK = 104

# A logged session lasts at most a day (its moving and its elapsed minutes).
MINUTES_PER_DAY = 24 * 60

# One YAML or JSON document (a request, a profile, an amendment, a rule or knowledge-base file).
# The largest shipped file is a few KB; a request with a year of history is under 1 MB.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
# One line of a JSON Lines batch, and the batch as a whole (read into memory at once).
MAX_JSON_LINE_BYTES = 1024 * 1024
MAX_INPUT_BYTES = 512 * 1024 * 1024
# Nesting depth of containers (mappings and lists). A request nests about 5 deep, a rule
# condition about 10; without a cap, deep nesting exhausts the parser's recursion.
MAX_NESTING_DEPTH = 64
# YAML aliases may repeat a value, but not blow it up ("billion laughs"): the number of values
# reached through aliases may be at most this many times the number written in the file,
# plus a small allowance.
MAX_ALIAS_EXPANSION_RATIO = 10
ALIAS_EXPANSION_ALLOWANCE = 10_000
