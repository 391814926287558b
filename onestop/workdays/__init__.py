"""Working days: statutory holidays and make-up working days (调休), from the
chinesecalendar package for the years it knows and an operator-maintained table for the
others. Public face: ``calendar``, ``actions``."""
