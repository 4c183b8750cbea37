def composer_action(records, template_xmlid, **context):
    """The action opening Odoo's mail composer on ``records`` with the
    template ``template_xmlid``, the message sent by email (``context`` adds
    to the composer's context)."""
    template = records.env.ref(template_xmlid)
    return {
        "type": "ir.actions.act_window",
        "res_model": "mail.compose.message",
        "view_mode": "form",
        "views": [(False, "form")],
        "target": "new",
        "context": {
            "default_model": records._name,
            "default_res_ids": records.ids,
            "default_template_id": template.id,
            "default_composition_mode": "comment",
            "force_email": True,
            **context,
        },
    }
