"""``zhizhi open311 …``: the administrator's API keys for posting clients (key-create,
key-list, key-revoke; audited) and a small client of any Open311 server (services, requests,
post, get), docs/open311.md."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)

Endpoint = Annotated[
    str, typer.Option("--endpoint", help="the server's v2 URL, e.g. http://host/open311/v2/")
]
ApiKey = Annotated[
    str | None, typer.Option("--api-key", envvar="ZHIZHI_OPEN311_API_KEY", help="a client's key")
]
Jurisdiction = Annotated[str | None, typer.Option("--jurisdiction", help="jurisdiction_id")]
Division = Annotated[
    str | None,
    typer.Option("--division", help="area: a division code prefix (4301 a city, 430104 a district)"),
]
Services = Annotated[
    list[str] | None,
    typer.Option("--service", help="a service (category) code it may post to; repeat for more"),
]


def _print(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False))


def _client_call(endpoint: str, api_key: str | None, jurisdiction: str | None, call: Any) -> None:
    from zhizhi.open311.client import Client, Open311Error

    try:
        with Client(endpoint, api_key=api_key, jurisdiction_id=jurisdiction) as client:
            _print(call(client))
    except Open311Error as exc:
        err.print(f"[red]错误 error[/] {exc}")
        raise typer.Exit(1) from None
    except Exception as exc:  # the server is down, a bad URL …
        err.print(f"[red]无法连接 cannot reach[/] {endpoint}: {exc}")
        raise typer.Exit(2) from None


def build() -> typer.Typer:
    app = typer.Typer(
        help="Open311 GeoReport v2: API keys and a client (docs/open311.md)", no_args_is_help=True
    )

    @app.command("key-create")
    def key_create(name: str, division: Division = None, service: Services = None) -> None:
        """Create a posting client and print its API key (shown once: hand it over safely);
        --division and --service limit what it may post (as the admin page does)."""
        from zhizhi.core import audit
        from zhizhi.core.db import unit_of_work
        from zhizhi.core.errors import DomainError
        from zhizhi.open311 import clients

        actor = audit.Actor(None, "zhizhi open311")
        try:
            with unit_of_work() as session:
                _client, key = clients.create_scoped(session, name, actor, division, list(service or []))
        except DomainError as exc:
            err.print(f"[red]错误[/] {exc.zh} / {exc.en}")
            raise typer.Exit(2) from None
        console.print(f"已创建客户端 client created: {name}")
        print(key)

    @app.command("key-scope")
    def key_scope(name: str, division: Division = None, service: Services = None) -> None:
        """Set what a client may post: an area (division code prefix) and services (category
        codes); without either, anywhere and any service."""
        from zhizhi.core import audit
        from zhizhi.core.db import unit_of_work
        from zhizhi.core.errors import DomainError
        from zhizhi.open311 import clients

        try:
            with unit_of_work() as session:
                c = clients.scope(
                    session, name, division, list(service or []), actor=audit.Actor(None, "zhizhi open311")
                )
                shown = f"{c.division_prefix or '*'} {','.join(c.service_codes or []) or '*'}"
        except DomainError as exc:
            err.print(f"[red]错误[/] {exc.zh} / {exc.en}")
            raise typer.Exit(2) from None
        console.print(f"已设置范围 scope set: {name} {shown}")

    @app.command("key-list")
    def key_list() -> None:
        """List the posting clients: name, key prefix (never the key), state, area, services."""
        from zhizhi.core.db import unit_of_work
        from zhizhi.open311 import clients

        with unit_of_work() as session:
            rows = clients.list_clients(session)
        for c in rows:
            state = "active" if c.active else "revoked"
            area = f"{c.division_prefix or '*'}\t{','.join(c.service_codes or []) or '*'}"
            used = c.last_used_at or "-"
            console.print(f"{c.name}\t{c.key_prefix}\t{state}\t{area}\t{c.created_at}\t{used}")

    @app.command("key-revoke")
    def key_revoke(name: str) -> None:
        """Revoke a client's key (its cases stay)."""
        from zhizhi.core import audit
        from zhizhi.core.db import unit_of_work
        from zhizhi.core.errors import DomainError
        from zhizhi.open311 import clients

        try:
            with unit_of_work() as session:
                clients.revoke_client(session, name, actor=audit.Actor(None, "zhizhi open311"))
        except DomainError as exc:
            err.print(f"[red]错误[/] {exc.zh} / {exc.en}")
            raise typer.Exit(2) from None
        console.print(f"已吊销 revoked: {name}")

    @app.command("services")
    def services(endpoint: Endpoint, api_key: ApiKey = None, jurisdiction: Jurisdiction = None) -> None:
        """The server's services (categories)."""
        _client_call(endpoint, api_key, jurisdiction, lambda c: c.services())

    @app.command("requests")
    def requests(
        endpoint: Endpoint,
        api_key: ApiKey = None,
        jurisdiction: Jurisdiction = None,
        service_request_id: Annotated[str | None, typer.Option(help="comma-separated ids")] = None,
        service_code: Annotated[str | None, typer.Option()] = None,
        start_date: Annotated[str | None, typer.Option(help="ISO 8601")] = None,
        end_date: Annotated[str | None, typer.Option(help="ISO 8601")] = None,
        status: Annotated[str | None, typer.Option(help="open | closed")] = None,
        page: Annotated[int | None, typer.Option(min=1)] = None,
        page_size: Annotated[int | None, typer.Option(min=1, max=1000)] = None,
    ) -> None:
        """Requests matching the filters (the server's default: the last 90 days)."""
        filters = dict(
            service_request_id=service_request_id,
            service_code=service_code,
            start_date=start_date,
            end_date=end_date,
            status=status,
            page=page,
            page_size=page_size,
        )
        _client_call(endpoint, api_key, jurisdiction, lambda c: c.requests(**filters))

    @app.command("get")
    def get(
        number: str, endpoint: Endpoint, api_key: ApiKey = None, jurisdiction: Jurisdiction = None
    ) -> None:
        """One request by its id (our case number)."""
        _client_call(endpoint, api_key, jurisdiction, lambda c: c.get(number))

    @app.command("post")
    def post(
        endpoint: Endpoint,
        service_code: Annotated[str, typer.Option(help="the service (category) code")],
        description: Annotated[str, typer.Option(help="what is wrong, where")],
        api_key: ApiKey = None,
        jurisdiction: Jurisdiction = None,
        address: Annotated[str | None, typer.Option(help="address_string")] = None,
        lat: Annotated[float | None, typer.Option()] = None,
        long: Annotated[float | None, typer.Option("--long")] = None,
        phone: Annotated[str | None, typer.Option()] = None,
        name: Annotated[str | None, typer.Option(help="last_name (姓名)")] = None,
        appeal_type: Annotated[str | None, typer.Option(help="attribute appeal_type")] = None,
        idempotency_key: Annotated[str | None, typer.Option(help="Idempotency-Key for safe retries")] = None,
    ) -> None:
        """Post a request (needs --api-key); prints its id and token."""
        fields: dict[str, Any] = dict(
            service_code=service_code,
            description=description,
            address_string=address,
            lat=lat,
            long=long,
            phone=phone,
            last_name=name,
            attributes={"appeal_type": appeal_type} if appeal_type else {},
        )
        _client_call(
            endpoint, api_key, jurisdiction, lambda c: c.post(fields, idempotency_key=idempotency_key)
        )

    return app
