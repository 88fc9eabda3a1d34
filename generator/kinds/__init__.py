"""Document kinds: one module per kind of text the gazette carries, and the parsing core they share
(``structure``: provisions and anchors; ``citations``: references to other documents)."""
