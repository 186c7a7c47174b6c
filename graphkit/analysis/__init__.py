"""Network analysis over the graph: money, brokers, paths, neighbourhoods, communities."""
from .brokers import BrokerRow, bridges_between, brokers, simple_graph
from .communities import Community, communities
from .graph import result_graph, store_graph
from .money import MoneyItem, MoneyRow, MoneyTotal, money_items, money_summary, money_totals
from .paths import Path, Step, ego, paths, resolve

__all__ = ["store_graph", "result_graph", "simple_graph",
           "money_totals", "money_summary", "money_items", "MoneyRow", "MoneyTotal", "MoneyItem",
           "brokers", "bridges_between", "BrokerRow",
           "paths", "ego", "resolve", "Path", "Step",
           "communities", "Community"]
