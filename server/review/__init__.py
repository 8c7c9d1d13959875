"""Review of household records: moves between review states, conflicts and their resolution."""
