"""What of the sharing capability is encrypted at rest or blind-indexed (the demo provider tables),
for the ``keys`` rotations (docs/crypto.md)."""

from __future__ import annotations

from zhizhi.core import fieldcrypt
from zhizhi.sharing.models import BusinessLicence, Grant, Person, Property, ShareRequest, SocialSecurity

ENCRYPTED_TABLES: list[tuple[str, dict[str, str]]] = [
    (m.__tablename__, fieldcrypt.encrypted_columns(m))
    for m in (Person, BusinessLicence, SocialSecurity, Property, ShareRequest, Grant)
]
BLIND_INDEXES: list[fieldcrypt.BlindIndexes] = [
    fieldcrypt.BlindIndexes(
        table, source, f"{table}.{source}", {f"{source}_index": fieldcrypt.id_number_index}
    )
    for table, source in (
        ("provider_population", "id_number"),
        ("provider_social_security", "id_number"),
        ("provider_property", "owner_id_number"),
    )
]
