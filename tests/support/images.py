"""Images for tests, made in a few bytes."""

import struct
import zlib


def png_header(path, width, height):
    """A PNG that claims to be width x height pixels, in a few bytes: only its header is read."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
