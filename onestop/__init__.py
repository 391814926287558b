"""onestop: a self-hostable one-stop service platform."""
