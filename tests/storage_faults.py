"""Helpers for tests of failing upload storage (disk full, no permission, S3 errors): real failing uploads,
not patched views."""

import errno
import os

STORAGE_ERROR_NL = "Uw bestand kon niet worden opgeslagen"


class DiskFillsUp:
    """Upload content whose first chunk fits on the disk; writing the next one fails with ENOSPC."""

    def __init__(self, content):
        self.content = content

    def chunks(self, chunk_size=None):
        yield next(iter(self.content.chunks(64 * 1024)))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
