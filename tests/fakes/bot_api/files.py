"""Photos the fake holds: uploaded by the bot, sent by users or re-sent by file_id, and served
back by getFile and the /file/ download path, as the bot needs them round-trip."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .protocol import ApiError, JSONDict, UploadedFile

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    width: int
    height: int

    def photo_size(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }


class FileStore:
    """Files by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)

    def store(self, upload: UploadedFile) -> StoredFile:
        number = next(self._numbers)
        width, height = _image_size(upload.data)
        stored = StoredFile(
            file_id=f"AgACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"photos/file_{number}.jpg",
            data=upload.data,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)

    def input_photo(self, params: JSONDict) -> StoredFile:
        """The ``photo`` of a request: an upload, checked like Telegram, or a known file_id."""
        value = params.get("photo")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: there is no photo in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if value.size > MAX_PHOTO_BYTES:
                raise ApiError(400, "Bad Request: file is too big")
            if not value.data.startswith(_IMAGE_SIGNATURES) and not _is_webp(value.data):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            return self.store(value)
        if isinstance(value, str) and value in self._by_id:
            return self._by_id[value]
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def input_document(self, params: JSONDict) -> JSONDict:
        """The ``document`` of a request as Telegram's Document: an upload or a known file_id."""
        value = params.get("document")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: there is no document in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if value.size > MAX_DOCUMENT_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            stored = self.store(value)
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": value.filename or "document",
                "mime_type": value.content_type,
                "file_size": value.size,
            }
        if isinstance(value, str) and value in self._by_id:
            known = self._by_id[value]
            return {
                "file_id": known.file_id,
                "file_unique_id": known.file_unique_id,
                "file_size": len(known.data),
            }
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # ==== Bot API methods ========================================================================

    async def get_file(self, params: JSONDict) -> JSONDict:
        stored = self._by_id.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


def _image_size(data: bytes) -> tuple[int, int]:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 320, 320


def _is_webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
