"""Which Cypher statements a query may run: graph reads always, graph writes with `write=True`.

Neither engine can be told to refuse files or native code on its own: Ladybug 0.22 has no
setting that turns off `LOAD EXTENSION`, `COPY … TO` or `LOAD FROM`, and a read-only database
or transaction still runs them; Neo4j runs `LOAD CSV` and any installed procedure inside a read
transaction. So every query passes this check before it reaches an engine, as one statement
whose clauses are on an allow-list. Files, code, the network, other databases, settings and
transaction control are refused even with `write=True`: graphkit's own commands (`load`,
`import`, `export`) are the way to move data in and out.

The check reads tokens, not text: words inside strings, comments and backticks, property keys
(`n.copy`), labels and map keys do not count. A variable or alias spelled like a refused
keyword does count (both engines accept `AS load`, and a clause could hide behind it): such a
name needs backticks.

>>> check_statement("MATCH (n) WHERE n.name = 'COPY' RETURN n.load AS `copy`")
>>> check_statement("LOAD EXTENSION '/tmp/x.so'")
Traceback (most recent call last):
...
graphkit.errors.GraphkitError: refused: LOAD reads files, code or the network; a query may only read and (with --write) change the graph (a name spelled like a keyword needs backticks: `load`)
>>> check_statement("MATCH (n) DETACH DELETE n")
Traceback (most recent call last):
...
graphkit.errors.GraphkitError: refused: DETACH DELETE changes the store; add --write to run it (a name spelled like a keyword needs backticks: `load`)
>>> check_statement("MATCH (n) DETACH DELETE n", write=True)
"""
from __future__ import annotations

import re

from ..errors import GraphkitError

# Clauses that reach outside the graph: files, native code, the network, other databases.
OUTSIDE = {"LOAD", "COPY", "INSTALL", "UNINSTALL", "UPDATE", "ATTACH", "EXPORT", "IMPORT", "USE",
           "GRANT", "DENY", "REVOKE", "TERMINATE"}
_FILE_FUNCTION = re.compile(r"(?:READ|WRITE)_\w+|\w+_SCAN", re.IGNORECASE)  # Ladybug's file readers (READ_CSV_SERIAL …)
TRANSACTION = {"BEGIN", "COMMIT", "ROLLBACK", "CHECKPOINT"}
WRITES = {"CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DROP", "ALTER", "RENAME", "FOREACH", "COMMENT"}
ADMIN_VERBS = {"CREATE", "DROP", "ALTER", "RENAME", "START", "STOP", "ENABLE", "DEALLOCATE", "REALLOCATE"}
ADMIN_OBJECTS = {"USER", "USERS", "ROLE", "ROLES", "DATABASE", "DATABASES", "ALIAS", "SERVER", "COMPOSITE",
                 "PRIVILEGE", "PRIVILEGES", "MACRO", "SEQUENCE", "GRAPH"}

# Procedures and table functions that only describe the graph.
READ_PROCEDURES = {
    "ladybug": {"show_tables", "table_info", "show_connection", "db_version", "show_indexes",
                "show_sequences", "current_setting", "show_functions", "show_warnings", "stats_info"},
    "neo4j": {"db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
              "db.schema.nodetypeproperties", "db.schema.reltypeproperties", "dbms.components"},
}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$\w+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def tokens(cypher: str) -> list[tuple[str, str]]:
    """(kind, text) of each token that means something: no spaces, no comments.

    >>> tokens("MATCH (n) /* LOAD */ RETURN 'COPY'")
    [('word', 'MATCH'), ('other', '('), ('word', 'n'), ('other', ')'), ('word', 'RETURN'), ('string', "'COPY'")]
    """
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(cypher) if m.lastgroup not in ("space", "comment")]


def check_statement(cypher: str, *, write: bool = False, engine: str = "ladybug") -> None:
    """Raise GraphkitError unless `cypher` is one statement that only reads (or, with write, changes) the graph."""
    toks = tokens(cypher)
    _one_statement(toks)
    for i, (kind, text) in enumerate(toks):
        if kind != "word" or not _is_keyword(toks, i):
            continue
        word = text.upper()
        if word in OUTSIDE or word == "DETACH" and _next_word(toks, i) != "DELETE" or _FILE_FUNCTION.fullmatch(word):
            _refuse(f"{word} reads files, code or the network; a query may only read and (with --write) "
                    f"change the graph{_BACKTICKS}")
        if word in TRANSACTION:
            _refuse(f"{word}: each query runs in its own transaction{_BACKTICKS}")
        if word in ADMIN_VERBS and _next_word(toks, i) in ADMIN_OBJECTS:
            _refuse(f"{word} {_next_word(toks, i)} administers the server, not the graph")
        if word == "CALL":
            _check_call(toks, i, engine)
        if word in WRITES and not write:
            what = "DETACH DELETE" if word == "DELETE" and _previous_word(toks, i) == "DETACH" else word
            _refuse(f"{what} changes the store; add --write to run it{_BACKTICKS}")


_BACKTICKS = " (a name spelled like a keyword needs backticks: `load`)"


def _one_statement(toks: list[tuple[str, str]]) -> None:
    ends = [i for i, (kind, text) in enumerate(toks) if kind == "other" and text == ";"]
    if any(i != len(toks) - 1 for i in ends):
        _refuse("more than one statement; run them one at a time")
    if not toks or toks == [("other", ";")]:
        raise GraphkitError("empty query")


def _check_call(toks: list[tuple[str, str]], i: int, engine: str) -> None:
    """`CALL {…}` and `CALL (x) {…}` are subqueries; `CALL name(…)` must be a describing procedure."""
    j = i + 1
    if j < len(toks) and toks[j][1] in ("{", "("):
        return
    name = []
    while j < len(toks) and (toks[j][0] in ("word", "quoted") or toks[j][1] == "."):
        name.append(toks[j][1].strip("`"))
        j += 1
    if j < len(toks) and toks[j][1] == "=":
        _refuse("CALL … = changes a database setting")
    procedure = "".join(name).lower()
    if procedure not in READ_PROCEDURES.get(engine, set()):
        allowed = ", ".join(sorted(READ_PROCEDURES.get(engine, set())))
        _refuse(f"CALL {procedure or '?'}: only these procedures may run: {allowed}")


def _is_keyword(toks: list[tuple[str, str]], i: int) -> bool:
    """A word in keyword position: not a property key (n.copy), label or type (:Load) or map key ({copy: 1}).

    Aliases and variables spelled like a refused keyword (`AS load`) count as the keyword: both
    engines accept such names, so exempting them would let a clause hide behind one.
    """
    before = toks[i - 1][1] if i else ""
    after = toks[i + 1][1] if i + 1 < len(toks) else ""
    if before in (".", ":") or after == ":":
        return False
    word = toks[i][1].upper()
    refused = word in OUTSIDE | TRANSACTION | WRITES | {"CALL", "DETACH"} or _FILE_FUNCTION.fullmatch(word)
    return bool(refused) or after != "("  # any other word followed by ( is a function, e.g. count(


def _next_word(toks: list[tuple[str, str]], i: int) -> str:
    return toks[i + 1][1].upper() if i + 1 < len(toks) and toks[i + 1][0] == "word" else ""


def _previous_word(toks: list[tuple[str, str]], i: int) -> str:
    return toks[i - 1][1].upper() if i and toks[i - 1][0] == "word" else ""


def _refuse(why: str) -> None:
    raise GraphkitError(f"refused: {why}")
