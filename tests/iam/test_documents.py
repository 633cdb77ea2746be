"""Policy documents held by the state: parsed lazily, equal texts parsed once."""

from __future__ import annotations

from auditor.iam.documents import Document

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def test_equal_documents_share_one_parsed_policy() -> None:
    first, second = Document(dict(POLICY)), Document(dict(POLICY))
    parsed = first.parsed()
    assert parsed is not None and parsed.statements[0].actions == ("s3:GetObject",)
    assert second.parsed() is parsed


def test_different_documents_parse_apart() -> None:
    other = {**POLICY, "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    parsed, other_parsed = Document(POLICY).parsed(), Document(other).parsed()
    assert parsed is not None and other_parsed is not None
    assert parsed is not other_parsed
    assert other_parsed.statements[0].effect == "Deny"


def test_a_huge_document_parses_but_is_not_remembered() -> None:
    actions = [f"s3:Action{i:06d}" for i in range(10_000)]  # ~170 KB, far above IAM quotas
    huge = {"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    parsed = Document(huge).parsed()
    assert parsed is not None and len(parsed.statements[0].actions) == 10_000
    assert Document(dict(huge)).parsed() is not parsed


def test_a_mapping_that_is_not_plain_json_still_parses() -> None:
    odd = {**POLICY, 7: "a key that is not a string"}
    parsed = Document(odd).parsed()
    assert parsed is not None and parsed.statements[0].actions == ("s3:GetObject",)


def test_text_that_is_not_a_policy_has_no_parse() -> None:
    assert Document(None, "not json", "invalid JSON").parsed() is None
    assert Document({"Version": "2012-10-17"}).parsed() is None
