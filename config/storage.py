"""Static file storage for production: hashed names, gzip/brotli copies, long cache headers (whitenoise).

Django's manifest storage rewrites every url() in every collected CSS file to its hashed name and refuses
to finish when a referenced file is missing. Our own CSS must stay that strict. Third-party packages
collected from node_modules under ``vendor/`` sometimes reference files they do not ship (for example
a design-token package's icon stylesheet pointing at an SVG the package leaves out);
those stylesheets are not used by the site, so for ``vendor/`` files an unresolvable reference is left
as it is (and logged) instead of breaking the whole deployment.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

VENDOR_PREFIX = "vendor/"


class DichtbijStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, template=None):
        converter = super().url_converter(name, hashed_files, template)
        if not name.startswith(VENDOR_PREFIX):
            return converter

        def tolerant_converter(matchobj):
            try:
                return converter(matchobj)
            except ValueError:
                logger.warning("static: %s references a missing file (%s); left unchanged", name, matchobj["url"])
                return matchobj["matched"]

        return tolerant_converter
