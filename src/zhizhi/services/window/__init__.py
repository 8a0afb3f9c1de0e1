"""一窗受理: comprehensive windows of the service halls, their clerks, receptions (an application
forwarded to the back office, or the one-time notice of what is missing) and their statistics."""
