"""The demo: a province tenant (code ``gd``) with regions, departments and a catalogue of
700+ service items, generated deterministically from a seed. Written through the same
actions as any operator import."""
