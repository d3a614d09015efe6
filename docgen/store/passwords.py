"""Password hashes with the standard library's scrypt, in a versioned PHC-style format.

New hashes read `$scrypt$v=1$ln=15,r=8,p=1$<salt>$<key>` (base64 without padding). Hashes
made by werkzeug in earlier releases (`scrypt:32768:8:1$salt$hex`, `pbkdf2:sha256:N$salt$hex`)
still verify, with hashlib alone; `needs_rehash` tells the caller to store a new one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

VERSION = 1
LOG_N, R, P = 15, 8, 1  # scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB, ≈ 0.1 s here
SALT_BYTES, KEY_BYTES = 16, 32
_PREFIX = f"$scrypt$v={VERSION}$"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * n * r * p, dklen=length)


def hash_password(password: str) -> str:
    """A new hash of `password` in the current format and cost."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, 2 ** LOG_N, R, P, KEY_BYTES)
    return f"{_PREFIX}ln={LOG_N},r={R},p={P}${_b64(salt)}${_b64(key)}"


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` matches `stored` (current or werkzeug format); False for a hash
    this module cannot read."""
    try:
        if stored.startswith(_PREFIX):
            params, salt, key = stored[len(_PREFIX):].split("$")
            cost = dict(item.split("=", 1) for item in params.split(","))
            expected = _unb64(key)
            actual = _scrypt(password, _unb64(salt), 2 ** int(cost["ln"]), int(cost["r"]),
                             int(cost["p"]), len(expected))
            return hmac.compare_digest(actual, expected)
        method, salt, hexed = stored.split("$", 2)
        return hmac.compare_digest(_legacy(method, salt, password), hexed)
    except (ValueError, KeyError, TypeError, OverflowError, MemoryError):
        return False


def _legacy(method: str, salt: str, password: str) -> str:
    """The hex digest werkzeug.security stored for `method` (its own algorithm, redone)."""
    name, *args = method.split(":")
    if name == "scrypt" and len(args) == 3:  # werkzeug always wrote its parameters
        n, r, p = (int(a) for a in args)
        return _scrypt(password, salt.encode("utf-8"), n, r, p, 64).hex()
    if name == "pbkdf2" and len(args) == 2:
        return hashlib.pbkdf2_hmac(args[0], password.encode("utf-8"), salt.encode("utf-8"),
                                   int(args[1])).hex()
    raise ValueError(f"unknown password hash method {method!r}")


def needs_rehash(stored: str) -> bool:
    """Whether `stored` is in an older format or cost than `hash_password` makes now."""
    return not stored.startswith(f"{_PREFIX}ln={LOG_N},r={R},p={P}$")


@functools.cache
def _dummy() -> str:
    return hash_password("docgen-not-a-password")


def burn(password: str) -> None:
    """Verify `password` against a hash no account has: the same work as a real check,
    so an unknown account answers in the time a known one does."""
    verify_password(_dummy(), password)
