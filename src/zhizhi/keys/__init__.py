"""Data keys: check values of the SM4 field keys, start-up check, rotation (docs/crypto.md)."""
