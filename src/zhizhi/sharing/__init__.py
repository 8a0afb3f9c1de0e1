"""Data sharing between departments: the resource catalogue, requests and grants, the exchange."""
