"""FastAPI glue shared by every API and page: problem rendering, limits, the request unit of
work, and the ``Capability`` manifest the domains declare."""
