"""Household records: the one writer, their queries and their serializers."""
