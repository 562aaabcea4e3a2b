"""Reminders that reach the client: the worker that sends due Reminder rows (dispatch), the channels
it sends through (web push, e-mail, SMS), the words it sends (messages), signed reply and calendar
tokens, the calendar feed, and the `flask reminders` / `flask push` commands.

Scheduling lives in webapp.domain.reminders; it only writes the rows this package sends.
"""
