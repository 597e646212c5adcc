"""The completion slice's reads: standings, track standings, rosters, progress."""
