"""Hostile log values through the real pipeline: ingest, events, report, graph, diff, errors.

The trail holds every hostile character class (terminal escapes, C0/C1 controls, bidi
controls, invisible characters, line breaks, Markdown and HTML markup) in the user agent,
session name, user name, policy document, error message and source address, and in a file
name. No output a person or a tool reads may carry one raw or let one forge a line.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from auditor.iam.graph import to_dot, to_graphml
from tests.cli import run
from tests.ingest.records import record, s3_path, write_trail_file
from tests.reports.hostile_text import EVERYTHING, forged_lines, raw_unsafe

ACCOUNT = "111122223333"
NAME = f"mallory{EVERYTHING}"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/{NAME}"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deploy"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/{EVERYTHING}"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "x", "Effect": "Allow", "Action": ["iam:*", EVERYTHING], "Resource": EVERYTHING}
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": EVERYTHING}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": USER_ARN}, "Action": "sts:AssumeRole"},
    ],
}
HOSTILE_FILE = "evil\x1b[31m\u202e\nFORGED line.json.gz"
WINDOW = ("--since", "2026-11-01T00:00:00Z", "--until", "2026-11-03T00:00:00Z")


def _records() -> list[dict[str, Any]]:
    hostile = {"userAgent": EVERYTHING, "sourceIPAddress": EVERYTHING}
    session = {
        "type": "AssumedRole",
        "arn": SESSION_ARN,
        "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "arn": ROLE_ARN, "userName": "deploy"},
        },
    }
    return [
        record(
            "h1",
            name="CreateUser",
            time="2026-11-02T09:00:00Z",
            requestParameters={"userName": NAME},
            responseElements={"user": {"userName": NAME, "arn": USER_ARN, "userId": "AIDAX"}},
            **hostile,
        ),
        record(
            "h2",
            name="PutUserPolicy",
            time="2026-11-02T09:01:00Z",
            requestParameters={
                "userName": NAME,
                "policyName": EVERYTHING,
                "policyDocument": json.dumps(POLICY),
            },
            **hostile,
        ),
        record(
            "h3",
            name="CreateRole",
            time="2026-11-02T09:02:00Z",
            requestParameters={"roleName": "deploy", "assumeRolePolicyDocument": json.dumps(TRUST)},
            responseElements={"role": {"roleName": "deploy", "arn": ROLE_ARN, "roleId": "AROAX"}},
            **hostile,
        ),
        record(
            "h4",
            source="sts.amazonaws.com",
            name="AssumeRole",
            time="2026-11-02T09:03:00Z",
            requestParameters={"roleArn": ROLE_ARN, "roleSessionName": EVERYTHING},
            **hostile,
        ),
        record(
            "h5",
            name="AttachUserPolicy",
            time="2026-11-02T09:04:00Z",
            userIdentity=session,
            requestParameters={
                "userName": NAME,
                "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
            },
            **hostile,
        ),
        record(
            "h6",
            name="DeleteUser",
            time="2026-11-02T09:05:00Z",
            requestParameters={"userName": "bob"},
            errorCode=f"AccessDenied{EVERYTHING}",
            errorMessage=EVERYTHING,
            **hostile,
        ),
        record(
            "h7",
            source="signin.amazonaws.com",
            name="ConsoleLogin",
            time="2026-11-02T09:06:00Z",
            userIdentity={"type": "IAMUser", "arn": USER_ARN, "accountId": ACCOUNT},
            additionalEventData={"MFAUsed": "No"},
            responseElements={"ConsoleLogin": "Success"},
            **hostile,
        ),
    ]


@pytest.fixture(scope="module")
def trail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with an ingested hostile trail (``t.db``) and the ingest's own output."""
    root = tmp_path_factory.mktemp("hostile")
    write_trail_file(s3_path(root / "logs"), _records())
    (root / "logs" / HOSTILE_FILE).write_bytes(gzip.compress(b"not json", mtime=0))
    ingested = run("--db", "t.db", "ingest", "logs", cwd=root)
    assert ingested.returncode == 3, ingested.stderr  # the bad file is an input problem
    (root / "ingest.out").write_text(ingested.stdout + ingested.stderr, encoding="utf-8")
    return root


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.items() for text in _strings(list(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _clean(text: str) -> None:
    assert raw_unsafe(text) == []
    assert forged_lines(text) == []


def test_ingest_output_names_the_hostile_file_escaped(trail: Path) -> None:
    text = (trail / "ingest.out").read_text(encoding="utf-8")
    _clean(text)
    assert "evil\\x1b[31m\\u202e\\nFORGED line.json.gz" in text


def test_events_table_and_json(trail: Path) -> None:
    table = run("--db", "t.db", "events", cwd=trail)
    assert table.returncode == 0, table.stderr
    _clean(table.stdout + table.stderr)
    assert "\\x1b[31m" in table.stdout
    listed = run("--db", "t.db", "events", "--json", cwd=trail)
    _clean(listed.stdout)
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {line["source_ip"] for line in lines} == {EVERYTHING}
    assert SESSION_ARN in {line["actor_arn"] for line in lines}


def test_report_files_are_inert_and_json_is_exact(trail: Path) -> None:
    done = run(
        "--db", "t.db", "report", *WINDOW, "--out", "out", "--format", "html,md,json", cwd=trail
    )
    assert done.returncode in (0, 1, 3), done.stderr
    _clean(done.stdout + done.stderr)
    for fmt in ("html", "md", "json"):
        _clean((trail / "out" / f"report.{fmt}").read_text(encoding="utf-8"))
    html = (trail / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "\\u202eRLO" in html and "\\x1b[31m" in html
    report = json.loads((trail / "out" / "report.json").read_text(encoding="utf-8"))
    actors = [finding["actor"] for finding in report["findings"]]
    assert actors, "the hostile trail raises findings"
    assert {actor["user_agent"] for actor in actors} == {EVERYTHING}
    assert SESSION_ARN in {actor["arn"] for actor in actors}
    assert EVERYTHING.rsplit("/", 1)[1] in {actor["session_name"] for actor in actors}
    assert any(f["resource"] == USER_ARN for f in report["findings"])
    documents = [f["details"].get("policy_after") for f in report["findings"]]
    assert EVERYTHING in set(_strings(documents))


def test_graph_exports_parse_and_keep_names(trail: Path, tmp_path: Path) -> None:
    at = ("--at", "2026-11-03T00:00:00Z")
    graphml = run("--db", "t.db", "graph", *at, "--format", "graphml", cwd=trail)
    assert graphml.returncode == 0, graphml.stderr
    _clean(graphml.stdout)
    ElementTree.fromstring(graphml.stdout.encode("utf-8"))
    path = tmp_path / "g.graphml"
    path.write_text(graphml.stdout, encoding="utf-8")
    nodes = set(nx.read_graphml(path).nodes)
    assert any(node.startswith(f"{USER_ARN[:38]}\\x1b[31mred\\x1b[0m") for node in nodes)
    dot = run("--db", "t.db", "graph", *at, "--format", "dot", cwd=trail)
    _clean(dot.stdout)
    assert all(line.startswith(("digraph", "  ", "}")) for line in dot.stdout.splitlines())
    exported = run("--db", "t.db", "graph", *at, "--format", "json", cwd=trail)
    _clean(exported.stdout)
    graph = nx.node_link_graph(json.loads(exported.stdout), edges="edges")
    assert USER_ARN in graph and EVERYTHING in graph


def test_diff_table_and_json(trail: Path) -> None:
    span = ("--from", "2026-11-01T00:00:00Z", "--to", "2026-11-03T00:00:00Z")
    table = run("--db", "t.db", "diff", *span, cwd=trail)
    assert table.returncode == 0, table.stderr
    _clean(table.stdout + table.stderr)
    listed = run("--db", "t.db", "diff", *span, "--json", cwd=trail)
    _clean(listed.stdout)
    assert USER_ARN in {change["arn"] for change in json.loads(listed.stdout)["changes"]}


def test_an_error_naming_a_hostile_file_is_one_escaped_line(tmp_path: Path) -> None:
    bad = tmp_path / "gaad\x1b]0;owned\x07\nFORGED line.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("--db", "t.db", "baseline", "import", bad.name, "--at", "2026-11-01", cwd=tmp_path)
    assert result.returncode != 0
    _clean(result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "gaad\\x1b]0;owned\\x07\\nFORGED line.json" in result.stderr
    missing = run(
        "--db",
        "t.db",
        "baseline",
        "import",
        "no\x1b[2Jne\u202e",
        "--at",
        "2026-11-01",
        cwd=tmp_path,
    )
    assert missing.returncode == 2
    _clean(missing.stderr)


def test_graphml_and_dot_keep_distinct_names_distinct(tmp_path: Path) -> None:
    every = "".join(chr(point) for point in (*range(0x20), *range(0x7F, 0xA0)))
    names = ["a\x1b", "a\\x1b", f"x{every}\ufffe\uffff\ud800\u202e"]
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for name in names:
        graph.add_node(name, type="external", name=name)
    graph.add_edge(names[0], names[2], kind="trusts", trust_kind=names[1])
    text = to_graphml(graph)
    assert raw_unsafe(text) == []
    ElementTree.fromstring(text.encode("utf-8"))
    path = tmp_path / "g.graphml"
    path.write_text(text, encoding="utf-8")
    assert nx.read_graphml(path).number_of_nodes() == 3
    dot = to_dot(graph)
    assert raw_unsafe(dot) == [] and len(dot.splitlines()) == 7
    assert '"a\\\\x1b"' in dot and '"a\\\\\\\\x1b"' in dot


def test_rule_problems_naming_a_hostile_file_stay_on_their_line(tmp_path: Path) -> None:
    name = "evil\x1b[31m\u202e\nFORGED line"
    folder = tmp_path / "rules" / name
    folder.mkdir(parents=True)
    (folder / f"{name}.toml").write_text('id = "x"\ntitle = "t\\u001b[2J\\n"\n', encoding="utf-8")
    result = run("checks", "test", "--rules", "rules", cwd=tmp_path)
    assert result.returncode == 2
    _clean(result.stdout + result.stderr)
    assert "PROBLEM rules/evil\\x1b[31m\\u202e\\nFORGED line/" in result.stdout


def test_a_huge_value_is_cut_in_the_table_and_whole_in_json(tmp_path: Path) -> None:
    huge = "E" * 100_000
    write_trail_file(s3_path(tmp_path / "logs"), [record("big", errorCode=huge)])
    assert run("--db", "t.db", "ingest", "logs", cwd=tmp_path).returncode == 0
    table = run("--db", "t.db", "events", cwd=tmp_path).stdout
    assert "E" * 1000 not in re.sub(r"[\s│]+", "", table)
    assert "99,700 more characters" in re.sub(r"[\s│]+", " ", table)
    listed = run("--db", "t.db", "events", "--json", cwd=tmp_path).stdout
    assert json.loads(listed)["error_code"] == huge


def test_many_input_problems_do_not_flood_the_terminal(tmp_path: Path) -> None:
    records: list[Any] = [record("ok"), *range(250)]
    write_trail_file(s3_path(tmp_path / "logs"), records)
    result = run("--db", "t.db", "ingest", "logs", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("problem:")]
    assert len(lines) == 201
    assert lines[-1] == "problem: 50 more; --json and the reports list every one"
    listed = run("--db", "u.db", "ingest", "logs", "--json", cwd=tmp_path)
    assert len(json.loads(listed.stdout)["problems"]) == 250
