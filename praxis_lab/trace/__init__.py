"""Trace a protocol: stand-ins that record every PLR call, paths, symbolic numbers, the graph.

Data flows tracer (records) -> proxies (stand-ins) -> driver (every path) -> graph.
"""
