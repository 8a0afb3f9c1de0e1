"""Organisation and access: departments (a tree), staff, roles, tokens."""
