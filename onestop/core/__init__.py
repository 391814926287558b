"""The shared kernel: actors, errors, the audit record and the outbox.

Every business app builds on these; core imports no business app.
"""
