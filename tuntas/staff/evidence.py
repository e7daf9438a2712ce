"""Evidence files of a resolution: judged and stored like the reporter's attachments.

Only the safe copy (images re-encoded, documents without metadata) is kept. The file is on disk
before the service commits the row that names it; a refused step leaves at most an
unreferenced file, never a row without its file.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from tuntas.cases.services_workspace import EvidenceFile
from tuntas.complaints.attachments import attachments_check, safe_copy, write_file


def evidence_store(uploads: list[UploadedFile], *, already_attached: int = 0) -> list[EvidenceFile]:
    """Check every upload first (AttachmentRefused on the first bad one), then store them."""
    checked_files = attachments_check(uploads, already_attached=already_attached)
    stored = []
    for checked in checked_files:
        safe = safe_copy(checked)
        stored.append(
            EvidenceFile(
                original_name=checked.name,
                content_type=checked.content_type,
                size=len(safe),
                sha256=checked.sha256,
                safe_name=write_file(safe, checked.extension),
            )
        )
    return stored
