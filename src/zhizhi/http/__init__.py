"""FastAPI glue shared by every API and page: problem rendering, limits, dependencies."""
