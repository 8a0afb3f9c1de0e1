"""A small real OpenID Connect provider for the tests (统一身份认证 stand-in): discovery,
authorize (a login form), token (authorization code with PKCE S256, client_secret_post) and
JWKS, issuing RS256-signed ID tokens with joserfc.  Served by uvicorn on a free local port in a
thread of the test process (``running_idp``); never a mock of our code.

Knobs for the refusal tests: ``tamper`` claims put into the next ID tokens (e.g. a wrong
``nonce``), ``sign_with_stranger`` signs with a key the JWKS does not publish."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "zhizhi-test"
CLIENT_SECRET = "test-client-secret-0123456789"


@dataclass
class IdentityProvider:
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "idp-1"}))
    stranger: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "idp-1"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tamper: dict[str, Any] = field(default_factory=dict)
    sign_with_stranger: bool = False
    tokens_issued: int = 0
    issuer_override: bool = False  # discovery names another issuer (a misconfigured provider)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": "https://elsewhere.example" if self.issuer_override else self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/authorize", response_class=HTMLResponse)
        def authorize(request: Request) -> str:
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
                raise HTTPException(400, "bad client or response type")
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                raise HTTPException(400, "PKCE required")
            hidden = "".join(
                f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                for k, v in q.items()
                if k in ("redirect_uri", "state", "nonce", "code_challenge")
            )
            return (
                '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width">'
                "<title>统一身份认证平台（测试）</title>"
                '<body style="font-family:sans-serif;max-width:30rem;margin:2rem auto">'
                "<h1>统一身份认证平台（测试）</h1>"
                f'<form method="post" action="/authorize">{hidden}'
                '<label for="u">用户名</label><br>'
                '<input id="u" name="username" autocomplete="username"><br><br>'
                '<button type="submit" id="idp-login">登录并授权</button></form></body></html>'
            )

        @app.post("/authorize")
        def approve(
            username: str = Form(),
            redirect_uri: str = Form(),
            state: str = Form(),
            nonce: str = Form(""),
            code_challenge: str = Form(),
        ) -> RedirectResponse:
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "username": username,
                "redirect_uri": redirect_uri,
                "nonce": nonce,
                "challenge": code_challenge,
            }
            return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", 303)

        @app.post("/token")
        def token(
            grant_type: str = Form(),
            code: str = Form(),
            redirect_uri: str = Form(),
            code_verifier: str = Form(),
            client_id: str = Form(),
            client_secret: str = Form(""),
        ) -> JSONResponse:
            grant = self.codes.pop(code, None)  # a code works once
            if grant_type != "authorization_code" or grant is None:
                return JSONResponse({"error": "invalid_grant"}, 400)
            if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
                return JSONResponse({"error": "invalid_client"}, 401)
            if redirect_uri != grant["redirect_uri"]:
                return JSONResponse({"error": "invalid_grant", "error_description": "redirect_uri"}, 400)
            digest = hashlib.sha256(code_verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, 400)
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "sub": f"sub-{grant['username']}",
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "preferred_username": grant["username"],
            } | self.tamper
            key = self.stranger if self.sign_with_stranger else self.key
            id_token = jwt.encode({"alg": "RS256", "kid": "idp-1"}, claims, key)
            self.tokens_issued += 1
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                }
            )

        return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_idp() -> Iterator[IdentityProvider]:
    import uvicorn

    port = _free_port()
    idp = IdentityProvider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(idp.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test identity provider did not start")
        time.sleep(0.05)
    try:
        yield idp
    finally:
        server.should_exit = True
        thread.join(timeout=10)
