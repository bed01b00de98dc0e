"""AES-256-GCM encryption at rest for short secrets (camera credentials) and, later, evidence files.

The key comes from WATCHROOM_FIELD_KEY (base64 of 32 bytes) or is derived from the secret key with
HKDF. Ciphertexts carry a version prefix so keys can be rotated.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"


def _key() -> bytes:
    configured = getattr(settings, "WATCHROOM_FIELD_KEY", "")
    if configured:
        key = base64.b64decode(configured)
        if len(key) != 32:
            raise ValueError("WATCHROOM_FIELD_KEY must be base64 of 32 bytes")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"watchroom-field", info=b"v1").derive(
        settings.SECRET_KEY.encode()
    )


def encrypt_text(plain: str) -> str:
    if plain == "":
        return ""
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plain.encode(), b"watchroom")
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt_text(token: str) -> str:
    if token == "":
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(token[len(PREFIX) :])
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], b"watchroom").decode()
