from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.claim import MONEY_DEMANDS
from ..models.claim import OPEN_STATES as CLAIM_OPEN_STATES
from ..models.service_order import FINISHED_STATES, OPEN_STATES
from ..models.service_order_portal import PORTAL_REQUEST_TYPES


class AfterSalesPortal(CustomerPortal):
    """The customer's warranties, service orders and claims under /my, as
    Odoo's portal pages are built: lists with pager, sort and filter, detail
    pages with their PDFs (also through the record's access token), and the
    forms that register a unit and request a service or make a claim.

    Portal users read their customer's records through record rules (see
    ``security/after_sales_service_security.xml``); what they submit is
    written by the models' ``_portal_*`` methods, after their checks."""

    # Home ---------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = request.env.user.partner_id
        for counter, model, domain in (
            ("after_sales_warranty_count", "after_sales.warranty", self._after_sales_warranty_domain),
            ("after_sales_service_count", "after_sales.service.order", self._after_sales_service_domain),
            ("after_sales_claim_count", "after_sales.claim", self._after_sales_claim_domain),
        ):
            if counter in counters:
                Model = request.env[model]
                values[counter] = Model.search_count(domain(partner)) if Model.has_access("read") else 0
        return values

    def _after_sales_customer_domain(self, partner):
        return [("partner_id", "child_of", [partner.commercial_partner_id.id])]

    def _after_sales_list(self, model, url, domain, sortings, filters, page, sortby, filterby, history_key):
        """Values of a list page: the user's records of ``domain``, sorted,
        filtered and paged as the portal's search bar asks."""
        Model = request.env[model]
        sortby = sortby if sortby in sortings else next(iter(sortings))
        filterby = filterby if filterby in filters else "all"
        domain = domain + filters[filterby]["domain"]
        pager = portal_pager(
            url=url,
            total=Model.search_count(domain),
            page=page,
            step=self._items_per_page,
            url_args={"sortby": sortby, "filterby": filterby},
        )
        records = Model.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session[history_key] = records.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "records": records.sudo(),
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return values

    def _after_sales_form_error(self, error):
        return error.args[0] if error.args else str(error)

    def _after_sales_files(self, field):
        return [(upload.filename, upload.read()) for upload in request.httprequest.files.getlist(field)]

    # Warranties ---------------------------------------------------------------

    def _after_sales_warranty_domain(self, partner):
        return self._after_sales_customer_domain(partner)

    def _after_sales_warranty_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_start desc, id desc"},
            "end": {"label": request.env._("End Date"), "order": "date_end, id"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
        }

    def _after_sales_warranty_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "active": {"label": request.env._("Covered"), "domain": [("state", "=", "active")]},
            "draft": {"label": request.env._("To Be Confirmed"), "domain": [("state", "=", "draft")]},
            "expired": {"label": request.env._("Expired"), "domain": [("state", "=", "expired")]},
        }

    @http.route(["/my/warranties", "/my/warranties/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_warranties(self, page=1, sortby=None, filterby=None, **kw):
        values = self._after_sales_list(
            "after_sales.warranty",
            "/my/warranties",
            self._after_sales_warranty_domain(request.env.user.partner_id),
            self._after_sales_warranty_sortings(),
            self._after_sales_warranty_filters(),
            page,
            sortby,
            filterby,
            "my_after_sales_warranties_history",
        )
        values["page_name"] = "after_sales_warranty"
        return request.render("after_sales_service.portal_my_warranties", values)

    @http.route(["/my/warranties/<int:warranty_id>"], type="http", auth="public", website=True)
    def portal_my_warranty(self, warranty_id, access_token=None, report_type=None, download=False, **kw):
        try:
            warranty_sudo = self._document_check_access("after_sales.warranty", warranty_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            # A certificate certifies a confirmed coverage only.
            if warranty_sudo.registration_state != "confirmed":
                return request.redirect(warranty_sudo.get_portal_url())
            return self._show_report(
                model=warranty_sudo,
                report_type=report_type,
                report_ref="after_sales_service.action_report_warranty_certificate",
                download=download,
            )
        values = {
            "page_name": "after_sales_warranty",
            "warranty": warranty_sudo,
            "registered": kw.get("registered"),
        }
        values = self._get_page_view_values(
            warranty_sudo, access_token, values, "my_after_sales_warranties_history", False
        )
        return request.render("after_sales_service.portal_my_warranty", values)

    @http.route(["/my/warranties/register"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_register_warranty(self, serial=None, date_purchase=None, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "after_sales_register", "serial": serial, "date_purchase": date_purchase})
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    warranty = request.env["after_sales.warranty"]._portal_register(
                        serial, date_purchase, self._after_sales_files("proof")
                    )
            except UserError as error:
                values["error"] = self._after_sales_form_error(error)
            else:
                return request.redirect(f"{warranty.access_url}?registered=1")
        return request.render("after_sales_service.portal_register_warranty", values)

    # Service orders -----------------------------------------------------------

    def _after_sales_service_domain(self, partner):
        return self._after_sales_customer_domain(partner)

    def _after_sales_service_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_intake desc, id desc"},
            "deadline": {"label": request.env._("Deadline"), "order": "date_deadline, id"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
        }

    def _after_sales_service_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("In Progress"), "domain": [("state", "in", OPEN_STATES)]},
            "finished": {"label": request.env._("Finished"), "domain": [("state", "in", FINISHED_STATES)]},
        }

    @http.route(["/my/service", "/my/service/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_service_orders(self, page=1, sortby=None, filterby=None, **kw):
        values = self._after_sales_list(
            "after_sales.service.order",
            "/my/service",
            self._after_sales_service_domain(request.env.user.partner_id),
            self._after_sales_service_sortings(),
            self._after_sales_service_filters(),
            page,
            sortby,
            filterby,
            "my_after_sales_service_history",
        )
        values["page_name"] = "after_sales_service"
        return request.render("after_sales_service.portal_my_service_orders", values)

    @http.route(["/my/service/<int:order_id>"], type="http", auth="public", website=True)
    def portal_my_service_order(
        self, order_id, access_token=None, report_type=None, report=None, download=False, **kw
    ):
        try:
            order_sudo = self._document_check_access("after_sales.service.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            reports = order_sudo._portal_reports()
            if report not in reports:
                return request.redirect(order_sudo.get_portal_url())
            return self._show_report(
                model=order_sudo, report_type=report_type, report_ref=reports[report], download=download
            )
        values = {
            "page_name": "after_sales_service",
            "order": order_sudo,
            "reports": order_sudo._portal_reports(),
            "quotation": order_sudo._portal_quotation(),
            "rating": order_sudo._portal_rating(),
            "requested": kw.get("requested"),
        }
        values = self._get_page_view_values(
            order_sudo, access_token, values, "my_after_sales_service_history", False
        )
        return request.render("after_sales_service.portal_my_service_order", values)

    def _after_sales_demands(self):
        """What the service request form offers to ask for: ``[(key, label)]``,
        the service order's request types, then the money demands of claims."""
        env = request.env
        order_labels = dict(
            env["after_sales.service.order"]._fields["request_type"]._description_selection(env)
        )
        claim_labels = dict(env["after_sales.claim"]._fields["demand"]._description_selection(env))
        return [(key, order_labels[key]) for key in PORTAL_REQUEST_TYPES] + [
            (key, claim_labels[key]) for key in MONEY_DEMANDS
        ]

    @http.route(["/my/service/request"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_request_service(self, unit=None, demand=None, symptom=None, transport_mode=None, **kw):
        Order = request.env["after_sales.service.order"]
        values = self._prepare_portal_layout_values()
        try:
            unit_id = int(unit) if unit else None
        except ValueError:
            unit_id = None
        values.update(
            {
                "page_name": "after_sales_request",
                # sudo: the units are the user's own registrations; the
                # serial and product names are not readable to portal users.
                "units": Order._portal_units().sudo(),
                "demands": self._after_sales_demands(),
                "money_demands": MONEY_DEMANDS,
                "unit_id": unit_id,
                "demand": demand,
                "symptom": symptom,
                "transport_mode": transport_mode or "dropoff",
            }
        )
        if request.httprequest.method == "POST":
            try:
                photos = self._after_sales_files("photos")
                with request.env.cr.savepoint():
                    if demand in MONEY_DEMANDS:
                        record = request.env["after_sales.claim"]._portal_claim(
                            unit_id, demand, symptom, photos
                        )
                    else:
                        record = Order._portal_request(unit_id, demand, symptom, photos, transport_mode)
            except UserError as error:
                values["error"] = self._after_sales_form_error(error)
            else:
                return request.redirect(f"{record.access_url}?requested=1")
        return request.render("after_sales_service.portal_request_service", values)

    # Claims -------------------------------------------------------------------

    def _after_sales_claim_domain(self, partner):
        return self._after_sales_customer_domain(partner)

    def _after_sales_claim_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_received desc, id desc"},
            "deadline": {"label": request.env._("Answer By"), "order": "date_deadline, id"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
        }

    def _after_sales_claim_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("In Progress"), "domain": [("state", "in", CLAIM_OPEN_STATES)]},
            "answered": {
                "label": request.env._("Answered"),
                "domain": [("state", "not in", CLAIM_OPEN_STATES)],
            },
        }

    @http.route(["/my/claims", "/my/claims/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_claims(self, page=1, sortby=None, filterby=None, **kw):
        values = self._after_sales_list(
            "after_sales.claim",
            "/my/claims",
            self._after_sales_claim_domain(request.env.user.partner_id),
            self._after_sales_claim_sortings(),
            self._after_sales_claim_filters(),
            page,
            sortby,
            filterby,
            "my_after_sales_claims_history",
        )
        values["page_name"] = "after_sales_claim"
        return request.render("after_sales_service.portal_my_claims", values)

    @http.route(["/my/claims/<int:claim_id>"], type="http", auth="public", website=True)
    def portal_my_claim(self, claim_id, access_token=None, report_type=None, download=False, **kw):
        try:
            claim_sudo = self._document_check_access("after_sales.claim", claim_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            reports = claim_sudo._portal_reports()
            if "letter" not in reports:
                return request.redirect(claim_sudo.get_portal_url())
            return self._show_report(
                model=claim_sudo, report_type=report_type, report_ref=reports["letter"], download=download
            )
        values = {
            "page_name": "after_sales_claim",
            "claim": claim_sudo,
            "reports": claim_sudo._portal_reports(),
            "requested": kw.get("requested"),
        }
        values = self._get_page_view_values(
            claim_sudo, access_token, values, "my_after_sales_claims_history", False
        )
        return request.render("after_sales_service.portal_my_claim", values)
