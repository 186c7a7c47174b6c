"""Citation lists kept as marked text on the embedded store come back as lists, however a result holds them."""
from __future__ import annotations

import pyarrow as pa

from graphkit.stores.list_text import decode_column, decoded_in_arrow, encode_lists

M = "\x1f"


def test_marked_text_round_trips_through_the_arrow_path():
    lists = [["a", "b"], ["x, y", "£5 [sic]"], [""], None]  # (an empty list is stored as null)
    stored = encode_lists(pa.table({"ids": lists})).column("ids")
    assert decoded_in_arrow(stored) == lists


def test_collected_lists_of_marked_text_split_in_every_chunk_and_slice():
    chunk = pa.array([[f"s1{M}", f"s2{M}s3{M}"], None, [], [f"s4{M}"]])
    col = pa.chunked_array([chunk.slice(1), chunk.slice(0, 1)])
    assert decoded_in_arrow(col) == [None, [], [["s4"]], [["s1"], ["s2", "s3"]]]
    null_over_items = pa.ListArray.from_arrays([0, 1, 3], pa.array([f"a{M}", f"b{M}", f"c{M}"]),
                                               mask=pa.array([False, True]))
    assert decoded_in_arrow(pa.chunked_array([null_over_items])) == [[["a"]], None]


def test_plain_text_is_left_as_it_is_and_mixed_columns_go_the_python_way():
    assert decoded_in_arrow(pa.chunked_array([["Tribal", None]])) == ["Tribal", None]
    mixed = pa.chunked_array([[f"a{M}", "Tribal"]])
    assert decoded_in_arrow(mixed) is None
    assert decode_column(mixed, mixed.to_pylist()) == [["a"], "Tribal"]
    assert decoded_in_arrow(pa.chunked_array([[1, 2]])) is None
