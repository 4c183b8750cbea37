/** @odoo-module **/
import { registry } from "@web/core/registry";

// The customer portal as a portal user; tests/test_portal.py prepares the
// customers' units and orders and checks what the tours leave behind.

// A 1x1 PNG, as a phone's photo would be uploaded.
const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

// Customer A's warranties: from the portal home to a registration, whose
// end date and certificate show; customer B's units never appear.
registry.category("web_tour.tours").add("after_sales_portal_warranties", {
    steps: () => [
        {
            content: "The portal home counts the customer's warranties",
            trigger: ".o_portal_index_card a[href='/my/warranties']",
            run: "click",
        },
        {
            content: "Customer B's unit is not listed",
            trigger: ".o_portal_my_doc_table:not(:has(.o_after_sales_warranty_row:contains('TOUR-B-1')))",
        },
        {
            trigger: ".o_after_sales_warranty_row:contains('TOUR-A-1') a",
            run: "click",
        },
        {
            content: "The registration shows its unit and end date",
            trigger: ".o_after_sales_warranty_details:contains('TOUR-A-1') .o_after_sales_date_end",
        },
        {
            content: "The certificate can be downloaded",
            trigger: "a.o_after_sales_certificate[href*='report_type=pdf']",
        },
        {
            content: "The messages with the desk are loaded",
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
        },
        {
            content: "Breadcrumbs lead back to the list",
            trigger: ".o_portal_submenu a[href='/my/warranties']",
            run: "click",
        },
        {
            trigger: ".o_after_sales_warranty_row:contains('TOUR-A-1')",
        },
    ],
});

// Customer A asks for a repair of one of its units, with a photo: a draft
// service order the desk picks up.
registry.category("web_tour.tours").add("after_sales_portal_request_service", {
    steps: () => [
        {
            trigger: "a.o_after_sales_request",
            run: "click",
        },
        {
            trigger: "select[name=unit]",
            run: "selectByLabel TOUR-A-2",
        },
        {
            trigger: "select[name=demand]",
            run: "select repair",
        },
        {
            trigger: "textarea[name=symptom]",
            run: "edit Grinding noise when the pump starts",
        },
        {
            trigger: "#transport_courier",
            run: "click",
        },
        {
            content: "Attach a photo of the problem",
            trigger: "input[name=photos]",
            run() {
                const bytes = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "noise.png", { type: "image/png" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".o_after_sales_request_form button[type=submit]",
            run: "click",
        },
        {
            content: "The new order thanks the customer and repeats the problem",
            trigger: ".alert-success:contains('we received your request')",
        },
        {
            trigger: ".o_after_sales_symptom:contains('Grinding noise when the pump starts')",
        },
        {
            trigger: ".o_after_sales_service_state:contains('Requested')",
        },
        {
            content: "The customer writes to the desk on the order",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Please pick it up on Monday morning.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Please pick it up on Monday morning.')",
        },
    ],
});
