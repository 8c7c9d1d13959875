"""Accounts, sign-ins and tokens, the login limit, and who sees what (areas and roles)."""
