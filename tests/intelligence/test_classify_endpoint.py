"""POST /api/v1/nlp/classify through the real app stack and the shipped model."""

from __future__ import annotations

import math

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from zhizhi.http.problems import install_problem_handlers
from zhizhi.intelligence.classifier import model_version
from zhizhi.intelligence.classify_endpoints import router

URL = "/api/v1/nlp/classify"


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    return TestClient(app)


def test_happy_path_in_input_order(client: TestClient) -> None:
    texts = [
        "化工厂偷排废气\n每天晚上化工厂偷排废气，刺鼻难闻，河水被污染，请环保局查处。",
        "咨询养老保险\n请问在外地工作，城乡居民养老保险可以在网上缴费吗？社保怎么办理？",
        "",
    ]
    resp = client.post(URL, json={"texts": texts})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["model_version"] == model_version()
    results = body["results"]
    assert len(results) == 3
    assert results[0]["category"] == "环境保护"
    assert results[1]["category"] == "劳动和社会保障"
    assert results[1]["appeal_type"] == "consult"
    assert results[2]["needs_review"] is True
    for r in results:
        assert math.isclose(sum(r["probabilities"].values()), 1.0, abs_tol=1e-6)
        assert {"category", "probabilities", "appeal_type", "urgency", "confidence", "needs_review"} <= set(r)


def test_too_many_texts_is_422_naming_texts(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": ["噪音"] * 1001})
    assert resp.status_code == 422
    problem = resp.json()
    assert problem["field"] == "texts"
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_empty_list_is_422(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": []})
    assert resp.status_code == 422
    assert resp.json()["field"] == "texts"


def test_too_long_text_is_422(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": ["短", "长" * 50_001]})
    assert resp.status_code == 422
    assert resp.json()["field"] == "texts.1"


def test_unknown_field_is_422(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": ["噪音扰民"], "lang": "zh"})
    assert resp.status_code == 422
    assert resp.json()["field"] == "lang"


def test_malformed_json_is_400(client: TestClient) -> None:
    resp = client.post(URL, content=b'{"texts": [', headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["code"] == "malformed_json"


def test_missing_model_is_503(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from zhizhi.intelligence.classifier import api

    monkeypatch.setattr(api, "_model_path", lambda: tmp_path / "absent.joblib")
    resp = client.post(URL, json={"texts": ["噪音扰民"]})
    assert resp.status_code == 503
    problem = resp.json()
    assert "zhizhi nlp train" in problem["message"]["en"]
    assert "absent.joblib" in problem["message"]["en"]
