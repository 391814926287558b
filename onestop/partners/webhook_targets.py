"""Where webhooks may go, and the connection that goes there.

A webhook URL is read the way the programs that will act on it read it: the C resolver
(``inet_aton``: ``127.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``0``) and
browsers' URL parsers (WHATWG host parsing: the same numbers, percent-escapes, IDNA,
full-width digits and dots, one trailing dot, bracketed IPv6 with IPv4 inside). Whatever
any of them would take for an address is judged as that address; a host that looks like
a number but is none (``1.2.3.08``) is refused rather than guessed at.

Only public internet addresses are allowed: not private, loopback, link-local,
unspecified, shared (100.64.0.0/10), reserved, documentation or multicast ranges, nor a
cloud metadata service, by address or by name. Development may post to this machine's
loopback under ``ONESTOP_WEBHOOK_ALLOW_LOOPBACK`` (plain http too); nothing else
non-public is allowed then either.

The check holds only for the address actually connected to: ``resolve`` looks the name
up once and checks every address it has, and the connections below open their socket to
those checked addresses, while the Host header, TLS SNI and the certificate check stay on
the name. A second lookup, which a rebinding DNS server could answer differently, never
happens.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import sys
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.partners.error_codes import PartnerErrorCode

Address = IPv4Address | IPv6Address

# The IANA special-purpose registries' blocks that are not globally reachable, kept here
# whatever the ipaddress module of the running Python thinks (its flags changed between
# releases, and it calls 100.64.0.0/10, 192.0.0.0/24, multicast and fec0::/10 global).
_REFUSED_V4 = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
_REFUSED_V6 = tuple(
    IPv6Network(n)
    for n in (
        "::/8",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
# NAT64's well-known prefix carries an IPv4 address: the translator connects to that one.
_NAT64 = IPv6Network("64:ff9b::/96")
# Cloud metadata services (AWS, Azure, GCP, Oracle; AWS ECS; Tencent Cloud; Alibaba Cloud;
# AWS over IPv6). Each lies in a refused block already; named so that no change of the
# blocks above can let one through.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.0.23",
        "100.100.100.200",
        "fd00:ec2::254",
    )
)
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "metadata.tencentyun.com"})
# Names that never lead to the internet (RFC 6761 localhost, mDNS, the private-use TLD
# ICANN reserved, home networks).
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")
_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_HEX = re.compile(r"0x[0-9a-f]*")

MESSAGE_URL = _("Webhooks go to a public https URL.")
MESSAGE_USERINFO = _("A webhook URL holds no user name or password.")
MESSAGE_NOT_PUBLIC = _(
    "Webhooks go to public internet addresses only, not to private, local, reserved or cloud metadata ones."
)


class TargetRefused(ValidationFailed):
    """A URL webhooks may not go to; one stable code, whatever the reason."""

    def __init__(self, message: str | Promise = MESSAGE_URL) -> None:
        super().__init__(PartnerErrorCode.WEBHOOK_URL_INVALID, message, field="url")


@dataclass(frozen=True)
class Target:
    """A webhook URL as it will be used: the host in canonical form (lower-case ASCII
    name, or the address it denotes), the port, and the path and query to request."""

    scheme: str
    host: str
    port: int
    path: str
    address: Address | None  # what the host denotes when it is an address, in any notation

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.path}"


def effective(address: Address) -> Address:
    """The address a socket reaches: an IPv4-mapped IPv6 address is its IPv4 address."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_is_public(address: Address) -> bool:
    """Whether the address is on the public internet and no cloud metadata service."""
    address = effective(address)
    if address in METADATA_ADDRESSES:
        return False
    if isinstance(address, IPv6Address):
        if address in _NAT64:
            return address_is_public(IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None and not address_is_public(address.sixtofour):
            return False
        if address.scope_id or any(address in network for network in _REFUSED_V6):
            return False
        return address.is_global and not (address.is_reserved or address.is_site_local)
    if any(address in network for network in _REFUSED_V4):
        return False
    return address.is_global and not (address.is_reserved or address.is_multicast)


def _loopback_allowed(address: Address) -> bool:
    return bool(settings.ONESTOP_WEBHOOK_ALLOW_LOOPBACK) and effective(address).is_loopback


def _check(scheme: str, address: Address) -> None:
    if scheme == "http":  # plain http only to this machine, in development
        if not _loopback_allowed(address):
            raise TargetRefused(MESSAGE_URL)
    elif not (address_is_public(address) or _loopback_allowed(address)):
        raise TargetRefused(MESSAGE_NOT_PUBLIC)


def _ipv4(labels: list[str]) -> IPv4Address | None:
    """The WHATWG URL standard's IPv4 parser, which reads every form inet_aton reads: one
    to four parts, each decimal, octal (leading 0) or hex (0x), the last filling the
    bytes left. None when the labels are no address in that notation."""
    if len(labels) > 4:
        return None
    numbers = []
    for label in labels:
        if label.startswith("0x"):
            digits, base = label[2:], 16
        elif len(label) > 1 and label.startswith("0"):
            digits, base = label[1:], 8
        else:
            digits, base = label, 10
        if digits and not all(c in "0123456789abcdef"[:base] for c in digits):
            return None
        numbers.append(int(digits, base) if digits else 0)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    return IPv4Address(sum(n << (8 * (3 - i)) for i, n in enumerate(head)) + last)


def _host(netloc: str, hostname: str) -> tuple[str, Address | None]:
    """The canonical host and, when it is one, the address it denotes."""
    if netloc.startswith("["):
        inside = netloc[1:].partition("]")[0]
        # A zone id (fe80::1%eth0) only ever names a link on this machine.
        if "%" in inside:
            raise TargetRefused(MESSAGE_NOT_PUBLIC)
        try:
            v6 = effective(IPv6Address(inside))  # [::ffff:127.0.0.1] is 127.0.0.1
        except ValueError:
            raise TargetRefused(MESSAGE_URL) from None
        return str(v6), v6
    try:
        # Browsers decode percent-escapes and map full-width characters (IDNA) first.
        name = unquote(hostname).lower().encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise TargetRefused(MESSAGE_URL) from None
    name = name.removesuffix(".")  # the root: "localhost." is localhost
    if not _NAME.fullmatch(name):
        raise TargetRefused(MESSAGE_URL)
    labels = name.split(".")
    if labels[-1].isdigit() or _HEX.fullmatch(labels[-1]):
        # A host ending in a number is an address or nothing (WHATWG); never a name.
        v4 = _ipv4(labels)
        if v4 is None:
            raise TargetRefused(MESSAGE_URL)
        return str(v4), v4
    if name in METADATA_NAMES or name.endswith(_LOCAL_SUFFIXES):
        raise TargetRefused(MESSAGE_NOT_PUBLIC)
    if name == "localhost" and not settings.ONESTOP_WEBHOOK_ALLOW_LOOPBACK:
        raise TargetRefused(MESSAGE_NOT_PUBLIC)
    return name, None


def parse(url: str) -> Target:
    """The target of a webhook URL, or ``TargetRefused``; looks nothing up."""
    if not url or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise TargetRefused(MESSAGE_URL)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(MESSAGE_URL) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused(MESSAGE_URL)
    if "@" in parts.netloc:  # even an empty user name: "https://@host/" is not a public URL
        raise TargetRefused(MESSAGE_USERINFO)
    if scheme == "http" and not settings.ONESTOP_WEBHOOK_ALLOW_LOOPBACK:
        raise TargetRefused(MESSAGE_URL)
    if port == 0:
        raise TargetRefused(MESSAGE_URL)
    host, address = _host(parts.netloc, parts.hostname)
    if address is not None:
        _check(scheme, address)
    # The request line is ASCII: percent-encode the rest, as browsers do.
    path = quote(parts.path or "/", safe="/%!$&'()*+,;=:@-._~")
    query = quote(parts.query, safe="/?%!$&'()*+,;=:@-._~")
    return Target(
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=f"{path}?{query}" if query else path,
        address=address,
    )


def resolve(target: Target) -> list[Address]:
    """Every address of the target now, each checked (``TargetRefused`` if any is not
    allowed), effective addresses first-answer first; ``OSError`` when the name has
    none. One lookup: connect to these, never to the name."""
    if target.address is not None:
        return [effective(target.address)]
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    addresses: list[Address] = []
    for info in infos:
        address = effective(ipaddress.ip_address(info[4][0]))
        _check(target.scheme, address)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError(f"no address for {target.host}")
    return addresses


def subscription_url(url: str) -> str:
    """The canonical form of a URL to subscribe, or ``TargetRefused``. A name is looked
    up now as well, to refuse at once one that leads somewhere not allowed; one that has
    no address yet may be subscribed (delivery checks whatever it resolves to then),
    except over plain http, which must be shown to reach this machine."""
    if len(url) > 500:
        raise TargetRefused(MESSAGE_URL)
    target = parse(url.strip())
    if target.address is None:
        try:
            resolve(target)
        except OSError:
            if target.scheme == "http":
                raise TargetRefused(MESSAGE_URL) from None
    if len(target.url) > 500:
        raise TargetRefused(MESSAGE_URL)
    return target.url


def _open_socket(addresses: list[Address], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers. Connecting to
    an address literal never asks the resolver."""
    error: OSError = OSError("no address")
    for address in addresses:
        family = socket.AF_INET6 if isinstance(address, IPv6Address) else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect((str(address), port))
        except OSError as failed:
            sock.close()
            error = failed
        else:
            return sock
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP for ``host`` over a socket to the checked addresses."""

    def __init__(self, target: Target, addresses: list[Address], *, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        sys.audit("http.client.connect", self, self.host, self.port)
        self.sock = _open_socket(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS for ``host`` over a socket to the checked addresses: SNI, the certificate's
    check and the Host header are the URL's host; the address is the one checked."""

    def __init__(
        self, target: Target, addresses: list[Address], *, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self.addresses, self.tls = addresses, context

    def connect(self) -> None:
        sys.audit("http.client.connect", self, self.host, self.port)
        sock = _open_socket(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def connection(
    target: Target, addresses: list[Address], *, timeout: float, context: ssl.SSLContext
) -> http.client.HTTPConnection:
    """An HTTP(S) connection to ``target`` that connects to ``addresses`` (from
    ``resolve``) only. It follows no redirect: it is http.client, which never does."""
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, addresses, timeout=timeout, context=context)
    return _PinnedHTTPConnection(target, addresses, timeout=timeout)
