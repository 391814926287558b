"""Messages to people: SMS through a pluggable backend (the sandbox keeps what it sends,
for the developer page and the console). Public face: ``sms``, ``access``, ``views``."""
