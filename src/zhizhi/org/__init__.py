"""Organisation and access: departments (a tree), staff, roles, tokens, login; the one place
that looks departments up."""
