"""The case engine (工单/办件): lifecycle table and action declarations, SLA clock, timeline,
service, API, and the portal and workbench pages."""
