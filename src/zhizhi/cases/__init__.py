"""The case (工单/办件): lifecycle table, SLA clock, timeline, service, API."""
