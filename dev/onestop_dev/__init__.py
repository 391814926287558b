"""onestop's development tools, never part of a production install: the demo provinces
(``onestop demo``), the seed-scale synthetic load (``onestop loadgen``) and the bulk
loaders behind it, and the helpers the test suite shares."""
