"""The console of department officers and tenant operators. Like the portal, a thin layer:
it parses, checks permissions through identity and calls actions."""
