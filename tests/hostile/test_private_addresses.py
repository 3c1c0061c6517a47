"""Feeds, article pages and every redirect between them reach public addresses only (SSRF).

The tests have no internet, so "the internet" is made up: `public.example` resolves (by an
injected resolver) to PUBLIC, a global address, and the test network dials PUBLIC on
127.0.0.1, where the feed server listens. Production code runs unchanged: it resolves,
checks and dials the checked address; only the resolver and the socket layer are the test's.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterable, Sequence
from ipaddress import ip_address
from pathlib import Path

import httpcore
import pytest
from aiohttp import web

from bot.config import load_settings
from bot.context import Services
from bot.ingest.fetch import fetch, new_client
from bot.ingest.guard import Resolve, system_resolve, why_not_public
from bot.ingest.pipeline import Ingestor
from bot.ingest.timing import Timing
from tests.bot.harness import running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, sports_item
from tests.ingest.conftest import FAST, fixture, rows
from tests.paths import ROOT

PUBLIC = "93.184.215.14"  # a global address; never dialled for real (see TestNetwork)
NOT_PUBLIC = "any reason"  # refused, under whichever name this Python's ipaddress gives
SECRET = "كلمة مرور لوحة الإدارة الداخلية هي"


class TestNetwork(httpcore.AsyncNetworkBackend):
    """Sockets for the tests: PUBLIC goes to 127.0.0.1, loopback stays, nothing else leaves."""

    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        self.real = httpcore.AnyIOBackend()
        self.dialled: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append(host)
        if host == PUBLIC:
            host = "127.0.0.1"
        elif not ip_address(host).is_loopback:
            raise httpcore.ConnectError(f"tests reach no {host}")
        return await self.real.connect_tcp(host, port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await self.real.sleep(seconds)


def names(table: dict[str, Sequence[str]], calls: list[str] | None = None) -> Resolve:
    """A resolver that knows the made-up names and asks the system about the rest."""

    async def resolve(host: str, port: int) -> Sequence[str]:
        if calls is not None:
            calls.append(host)
        if host in table:
            return table[host]
        return await system_resolve(host, port)

    return resolve


def public(feed_server: FeedServer, path: str) -> str:
    """The feed server's `path` under the made-up public name."""
    return feed_server.url(path).replace("127.0.0.1", "public.example")


@pytest.fixture
async def private_services(tmp_path: Path) -> AsyncIterator[Services]:
    """Services as production builds them: ALLOW_PRIVATE_FEEDS left off."""
    services = await Services.create(
        load_settings(database_path=tmp_path / "p.db", feeds_file=tmp_path / "none.toml")
    )
    assert not services.settings.allow_private_feeds
    try:
        yield services
    finally:
        await services.close()


def guarded_ingestor(services: Services, network: TestNetwork, resolve: Resolve) -> Ingestor:
    client = new_client(FAST, resolve=resolve, network=network)
    return Ingestor(
        services.feeds,
        services.articles,
        services.stories,
        services.classifier,
        client,
        timing=Timing(jitter=0),
        limits=FAST,
        clock=services.clock,
    )


async def test_a_feed_on_loopback_is_refused_without_the_opt_in_and_read_with_it(
    feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.serve("/news.xml", rss([sports_item()]))
    for allowed, expected in (("0", "private-address"), ("1", "ok")):
        monkeypatch.setenv("ALLOW_PRIVATE_FEEDS", allowed)
        settings = load_settings(database_path=tmp_path / f"{allowed}.db")
        services = await Services.create(settings)
        try:
            feed, _ = await services.feeds.add(url)
            (report,) = await services.ingestor.run([feed])
        finally:
            await services.close()
        assert report.status == expected, report.error
        if expected == "private-address":
            assert "127.0.0.1 is not a public address (loopback)" in (report.error or "")
            assert feed_server.requests == []  # refused before connecting
    assert len(feed_server.hits("/news.xml")) == 1


async def test_an_article_link_redirecting_to_loopback_is_not_fetched_nor_its_text_stored(
    private_services: Services, feed_server: FeedServer
) -> None:
    internal = feed_server.serve(
        "/internal/admin",
        f"<html><body><article><h1>لوحة</h1><p>{SECRET} 1234.</p>"
        f"<p>{SECRET} {'سر ' * 60}</p></article></body></html>",
        content_type="text/html",
    )
    feed_server.serve("/articles/1.html", fixture("article-page.html"), content_type="text/html")
    feed_server.redirect("/articles/2.html", internal, status=302)  # the item's link
    feed = public(feed_server, "/teasers.xml")
    feed_server.serve("/teasers.xml", fixture("teasers.xml"))
    network = TestNetwork()
    ingestor = guarded_ingestor(private_services, network, names({"public.example": [PUBLIC]}))
    try:
        stored, _ = await private_services.feeds.add(feed)
        (report,) = await ingestor.run([stored])
    finally:
        await ingestor.fetcher.client.aclose()

    assert (report.status, report.new) == ("ok", 2)
    assert feed_server.hits("/articles/2.html")  # the public-looking hop was asked...
    assert feed_server.hits("/internal/admin") == []  # ...its redirect never followed
    assert "127.0.0.1" not in network.dialled
    articles = await rows(private_services, "SELECT url, text FROM articles ORDER BY url")
    assert [a["url"] for a in articles] == [
        public(feed_server, "/articles/1.html"),
        public(feed_server, "/articles/2.html"),
    ]
    full, teaser = articles
    assert "تبادل الخبرات الفنية وتدريب الكوادر" in str(full["text"])  # public pages still read
    assert SECRET not in str(teaser["text"])
    assert await rows(private_services, "SELECT id FROM articles WHERE text LIKE ?", "%لوحة%") == []


async def test_a_permanent_redirect_to_a_private_address_does_not_move_the_feed(
    private_services: Services, feed_server: FeedServer
) -> None:
    feed_server.serve("/feed.xml", rss([sports_item()]))
    feed_server.redirect("/old.xml", feed_server.url("/feed.xml"), status=301)
    feed_server.redirect("/older.xml", "http://intranet.example/feed.xml", status=308)
    network = TestNetwork()
    resolve = names({"public.example": [PUBLIC], "intranet.example": ["10.20.30.40"]})
    ingestor = guarded_ingestor(private_services, network, resolve)
    try:
        old, _ = await private_services.feeds.add(public(feed_server, "/old.xml"))
        older, _ = await private_services.feeds.add(public(feed_server, "/older.xml"))
        reports = await ingestor.run([old, older])
    finally:
        await ingestor.fetcher.client.aclose()

    assert [r.status for r in reports] == ["private-address", "private-address"]
    assert "127.0.0.1 is not a public address (loopback)" in (reports[0].error or "")
    assert "intranet.example (10.20.30.40) is not a public address (private)" in str(
        reports[1].error
    )
    for feed in (old, older):
        now = await private_services.feeds.get(feed.id)
        assert now is not None and now.url == feed.url and now.last_status == "private-address"
    assert feed_server.hits("/feed.xml") == []
    assert network.dialled == [PUBLIC, PUBLIC]


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f.1",  # hexadecimal, short form
        "0x7f000001",
        "127.1",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "[::ffff:7f00:1]",
        "[::1]",
        "0.0.0.0",  # reaches this machine on Linux
        "169.254.169.254",  # cloud metadata
        "[fe80::1]",
        "10.0.0.1",
        "100.64.0.1",  # carrier-grade NAT
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
    ],
)
async def test_odd_ip_literals_are_read_as_the_system_reads_them_and_refused(
    feed_server: FeedServer, host: str
) -> None:
    url = feed_server.url("/feed.xml").replace("127.0.0.1", host)
    feed_server.serve("/feed.xml", rss([sports_item()]))
    network = TestNetwork()
    async with new_client(FAST, network=network) as client:
        result = await fetch(client, url, limits=FAST)
    assert result.status == "private-address", result.error
    assert host.strip("[]") in (result.error or "")
    assert network.dialled == [] and feed_server.requests == []


async def test_a_name_resolving_to_a_private_address_is_refused_even_among_public_ones(
    feed_server: FeedServer,
) -> None:
    feed_server.serve("/feed.xml", rss([sports_item()]))
    network = TestNetwork()
    resolve = names(
        {
            "public.example": [PUBLIC],
            "intranet.example": ["192.168.1.10"],
            "mixed.example": [PUBLIC, "fd00::5"],
            "metadata.example": ["::ffff:169.254.169.254"],
        }
    )
    async with new_client(FAST, resolve=resolve, network=network) as client:
        ok = await fetch(client, public(feed_server, "/feed.xml"), limits=FAST)
        refused = {
            name: await fetch(client, public(feed_server, "/feed.xml").replace("public", name))
            for name in ("intranet", "mixed", "metadata")
        }
    assert ok.status == "ok"
    assert {name: r.status for name, r in refused.items()} == dict.fromkeys(
        refused, "private-address"
    )
    assert "intranet.example (192.168.1.10)" in str(refused["intranet"].error)
    assert "mixed.example (fd00::5) is not a public address (private)" in str(
        refused["mixed"].error
    )
    assert "(link-local)" in str(refused["metadata"].error)
    assert network.dialled == [PUBLIC]


async def test_a_name_is_resolved_once_per_connection_and_the_checked_address_dialled(
    feed_server: FeedServer,
) -> None:
    """DNS rebinding: a name that answers a public address, then loopback, gets no second look."""
    feed_server.serve("/feed.xml", rss([sports_item()]))
    calls: list[str] = []
    answers = iter([[PUBLIC]])

    async def rebinding(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return next(answers, ["127.0.0.1"])

    network = TestNetwork()
    async with new_client(FAST, resolve=rebinding, network=network) as client:
        first = await fetch(client, public(feed_server, "/feed.xml"), limits=FAST)
    assert first.status == "ok"
    assert calls == ["public.example"]
    assert network.dialled == [PUBLIC]  # the checked address, not the name

    async with new_client(FAST, resolve=rebinding, network=network) as client:
        second = await fetch(client, public(feed_server, "/feed.xml"), limits=FAST)
    assert second.status == "private-address"  # the rebound answer is checked, never dialled
    assert network.dialled == [PUBLIC]


async def test_https_keeps_the_name_for_sni_and_the_certificate_while_dialling_the_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=public.example",
         "-addext", "subjectAltName=DNS:public.example"],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts only this certificate
    seen: dict[str, str | None] = {}
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    tls.sni_callback = lambda _socket, name, _context: seen.update(sni=name)

    async def page(request: web.Request) -> web.Response:
        seen["host"] = request.host
        return web.Response(text=rss([sports_item()]), content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", page)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls).start()
    port = runner.addresses[0][1]
    network = TestNetwork()
    resolve = names({"public.example": [PUBLIC], "other.example": [PUBLIC]})
    try:
        async with new_client(FAST, resolve=resolve, network=network) as client:
            good = await fetch(client, f"https://public.example:{port}/feed.xml", limits=FAST)
            first = dict(seen)
            wrong = await fetch(client, f"https://other.example:{port}/feed.xml", limits=FAST)
    finally:
        await runner.cleanup()
    assert good.status == "ok", good.error
    assert first == {"sni": "public.example", "host": f"public.example:{port}"}
    assert network.dialled == [PUBLIC, PUBLIC]
    assert wrong.status == "connect-failed" and "Hostname mismatch" in str(wrong.error)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("240.0.0.1", NOT_PUBLIC),
        ("fec0::1", "site-local"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("192.0.2.1", NOT_PUBLIC),  # documentation
        ("2001:db8::1", NOT_PUBLIC),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),
    ],
)
def test_every_kind_of_non_public_address_is_named_and_public_ones_pass(
    address: str, kind: str | None
) -> None:
    reason = why_not_public(ip_address(address))
    assert reason == kind or (kind == NOT_PUBLIC and reason is not None)


async def test_addfeed_names_the_refused_host(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.serve("/feed.xml", rss([sports_item()]))
    admin = 42
    options = {"admin_ids": frozenset({admin}), "allow_private_feeds": False}
    async with running(fake_bot_api, tmp_path, **options) as bot:
        bot.api.user_sends(admin, f"/addfeed {url}")
        failed = (await bot.api.wait_for_messages(admin, 2))[1]
        assert await bot.services.feeds.all() == []
    assert "لم أحفظ المصدر: الرابط يشير إلى عنوان داخلي" in failed["text"]
    assert "private-address" in failed["text"]
    assert "127.0.0.1 is not a public address (loopback)" in failed["text"]
    assert feed_server.requests == []


def test_mujaz_feeds_add_names_the_refused_host(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/feed.xml"  # refused before any connection is tried
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_PATH": str(tmp_path / "m.db"),
        "FEEDS_FILE": "/dev/null",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "feeds", "add", url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"{url}: private-address (127.0.0.1 is not a public address" in result.stderr
    assert "Traceback" not in result.stderr
