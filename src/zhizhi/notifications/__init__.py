"""Notifications: the outbox of text messages, their templates, the notifier port, citizens' SMS login."""
