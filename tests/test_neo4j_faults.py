"""A Neo4j connection dropped mid-load: reported incomplete with what was written; a re-run completes it."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from graphkit.dataset import read_dataset
from graphkit.errors import GraphkitError
from graphkit.stores import Neo4jSettings, Neo4jStore
from tcp_proxy import CuttableProxy
from test_faults import write_bulk


@pytest.mark.neo4j
@pytest.mark.slow
def test_dropped_connection_mid_load_is_reported_and_a_rerun_completes(neo4j_env, tmp_path):
    target = urlsplit(neo4j_env["uri"])
    proxy = CuttableProxy(target.hostname, target.port)
    write_bulk(tmp_path / "bulk", 2_000, 30_000)
    dataset = read_dataset([tmp_path / "bulk"])
    settings = Neo4jSettings(f"bolt://127.0.0.1:{proxy.port}", None, None, None)
    store = Neo4jStore(settings, batch_size=500)
    store._driver.close()
    from neo4j import GraphDatabase  # a short retry budget so the test sees the failure quickly

    store._driver = GraphDatabase.driver(settings.uri, auth=None, max_transaction_retry_time=2.0)
    written = {"PAID": 0}

    def cut_after_5000_links(what: str, rows: int) -> None:
        written[what] = written.get(what, 0) + rows
        if written["PAID"] >= 5_000:
            proxy.cut()

    with pytest.raises(GraphkitError) as err:
        store.load(dataset, progress=cut_after_5000_links)
    message = str(err.value)
    assert message.startswith("load incomplete: 7001 rows were written")
    assert "run the load again" in message

    proxy.restore()
    report = Neo4jStore(settings, batch_size=500).load(dataset)
    assert report.totals() == {"created": 30_000 - 5_000, "updated": 0, "unchanged": 2_001 + 5_000, "deleted": 0}
    direct = Neo4jStore(Neo4jSettings(neo4j_env["uri"], None, None, None))
    assert direct.query("MATCH ()-[r:PAID]->() RETURN count(r)").rows == [[30_000]]
    assert direct.query("MATCH (n:Organisation) RETURN count(n)").rows == [[2_000]]
    proxy.close()
