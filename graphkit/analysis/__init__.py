"""Network analysis over the graph: money, brokers, paths, neighbourhoods, communities."""
from .graph import store_graph

__all__ = ["store_graph"]
