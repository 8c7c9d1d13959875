"""What every feature stands on: the database and its one transaction boundary, many rows in one
statement, JSON in and out of columns, and the one error type services raise."""
