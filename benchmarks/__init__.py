"""The build benchmark: `make bench` (bench.py) on synthetic archives (synth.py)."""
