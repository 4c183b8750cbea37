import os

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.mimetypes import guess_mimetype

# What the portal's uploads may be: scans and photos of receipts, photos of
# the unit. Checked on the content, not on the name the browser sends.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
PROOF_MIMETYPES = tuple(EXTENSIONS)
PHOTO_MIMETYPES = tuple(mimetype for mimetype in EXTENSIONS if mimetype.startswith("image/"))
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOADS = 5


class AfterSalesPortalDocument(models.AbstractModel):
    """A record customers see on the portal (Odoo's ``portal.mixin``: a
    portal URL and an access token) and send files and messages to, through
    the addon's portal controllers only."""

    _name = "after_sales.portal.document"
    _description = "After-Sales Portal Document"
    _inherit = ["portal.mixin"]

    def _get_report_base_filename(self):
        # The file name of the documents the portal downloads: the record's
        # reference (a model may say more).
        self.ensure_one()
        return self.name

    @api.model
    def _portal_check_files(self, files, mimetypes, kinds):
        """The uploads ``files`` (``(name, content)``, empty ones left out)
        checked for number, size and type (``kinds`` names the allowed
        types for the message); as ``(name, content, mimetype)``, the name's
        extension the one of the type found in the content."""
        files = [(name, content) for name, content in files if content]
        if len(files) > MAX_UPLOADS:
            raise UserError(self.env._("Attach at most %(count)s files.", count=MAX_UPLOADS))
        checked = []
        for name, content in files:
            if len(content) > MAX_UPLOAD_BYTES:
                raise UserError(
                    self.env._(
                        "%(name)s is larger than %(size)s MB.",
                        name=name,
                        size=MAX_UPLOAD_BYTES // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(content)
            if mimetype not in mimetypes:
                raise UserError(self.env._("%(name)s is not %(kinds)s.", name=name, kinds=kinds))
            stem = os.path.splitext(os.path.basename(name or ""))[0] or "upload"
            checked.append((f"{stem}{EXTENSIONS[mimetype]}", content, mimetype))
        return checked

    def _portal_post(self, body, files):
        """Post ``body`` in the chatter as the portal user, with ``files``
        (checked by ``_portal_check_files``) attached; the user follows the
        record from then on."""
        self.ensure_one()
        partner = self.env.user.partner_id
        # sudo: portal users may neither create attachments nor post on
        # records they only read; what they send was checked by the caller.
        record = self.sudo()
        record.message_subscribe(partner_ids=partner.ids)
        record.message_post(
            body=body,
            author_id=partner.id,
            attachments=[(name, content) for name, content, _mimetype in files],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
