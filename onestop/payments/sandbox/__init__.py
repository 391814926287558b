"""The payment channels' sandboxes: servers on 127.0.0.1 that speak each channel's own
protocol, so that the real plugin code runs end to end in the demo and the tests. They
move no money, and every page they show says so."""
