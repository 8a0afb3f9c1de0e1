"""``POST /api/v1/addresses/parse`` on a tiny app with the problem handlers installed."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from zhizhi.addresses.parse_endpoints import router
from zhizhi.http.problems import install_problem_handlers

pytestmark = pytest.mark.usefixtures("shipped_model")
URL = "/api/v1/addresses/parse"


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    return TestClient(app)


def test_happy_path_in_order(client: TestClient) -> None:
    texts = ["湖南省长沙市岳麓区麓山南路932号", "", "北京市朝阳区惠新东街10号"]
    resp = client.post(URL, json={"texts": texts})
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert len(results) == 3
    assert results[0]["divisions"]["county"] == {"code": "430104000000", "name": "岳麓区"}
    assert results[1]["divisions"] == {} and results[1]["elements"] == []
    assert results[2]["divisions"]["county"]["code"] == "110105000000"
    for text, res in zip(texts, results, strict=True):
        for e in res["elements"]:
            assert text[e["start"] : e["end"]] == e["text"]


def test_too_many_texts(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": ["长沙"] * 1001})
    assert resp.status_code == 422
    assert resp.json()["field"] == "texts"
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_empty_list(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": []})
    assert resp.status_code == 422
    assert resp.json()["field"] == "texts"


def test_text_too_long(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": ["ok", "长" * 10_001]})
    assert resp.status_code == 422
    assert resp.json()["field"] == "texts.1"


def test_unknown_field(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": ["长沙"], "mode": "fast"})
    assert resp.status_code == 422
    assert resp.json()["field"] == "mode"


def test_malformed_json(client: TestClient) -> None:
    resp = client.post(URL, content=b'{"texts": [', headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["code"] == "malformed_json"


def test_wrong_type(client: TestClient) -> None:
    resp = client.post(URL, json={"texts": [1, 2]})
    assert resp.status_code == 422
    assert resp.json()["field"].startswith("texts.")


def test_missing_model_is_503(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from zhizhi.addresses.parser import model

    monkeypatch.setattr(model, "MODEL_FILE", tmp_path / "missing.crfsuite")
    resp = client.post(URL, json={"texts": ["长沙"]})
    assert resp.status_code == 503
    assert "zhizhi addresses train" in resp.json()["message"]["en"]
