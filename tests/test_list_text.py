"""Citation lists kept as marked text on the embedded store come back as lists, however a result holds them."""
from __future__ import annotations

import pyarrow as pa

from graphkit.stores.list_text import column_values, decode_value, encode_lists

M = "\x1f"


def test_marked_text_round_trips_through_the_arrow_path():
    lists = [["a", "b"], ["x, y", "£5 [sic]"], [""], None]  # (an empty list is stored as null)
    stored = encode_lists(pa.table({"ids": lists})).column("ids")
    assert column_values(stored) == lists


def test_collected_lists_of_marked_text_split_in_every_chunk_and_slice():
    chunk = pa.array([[f"s1{M}", f"s2{M}s3{M}"], None, [], [f"s4{M}"]])
    col = pa.chunked_array([chunk.slice(1), chunk.slice(0, 1)])
    assert column_values(col) == [None, [], [["s4"]], [["s1"], ["s2", "s3"]]]
    null_over_items = pa.ListArray.from_arrays([0, 1, 3], pa.array([f"a{M}", f"b{M}", f"c{M}"]),
                                               mask=pa.array([False, True]))
    assert column_values(pa.chunked_array([null_over_items])) == [[["a"]], None]


def test_plain_text_and_numbers_are_left_as_they_are_and_mixed_columns_go_value_by_value():
    assert column_values(pa.chunked_array([["Tribal", None]])) == ["Tribal", None]
    mixed = pa.chunked_array([[f"a{M}", "Tribal"]])
    assert column_values(mixed) is None
    assert [decode_value(v) for v in mixed.to_pylist()] == [["a"], "Tribal"]
    assert column_values(pa.chunked_array([[1, 2]])) == [1, 2]
    assert column_values(pa.chunked_array([[{"ids": f"a{M}"}]])) is None  # a node: value by value
