"""The incremental machinery: building again after a change, reusing what the change left alone.

Takes the folders of a build and what an earlier build kept; gives what a clean build gives, byte
for byte, and keeps its own state for the next.
"""
